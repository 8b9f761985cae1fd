#include "cli/scratch_bert.hpp"

#include <algorithm>

#include "textclass/model/normal_init.hpp"

namespace textclass::cli {

model::BertConfig scratch_bert_config(int vocab_size, const std::vector<std::string>& labels) {
  model::BertConfig config;
  config.vocab_size = vocab_size;
  config.hidden_size = 128;
  config.num_hidden_layers = 2;
  config.num_attention_heads = 2;
  config.intermediate_size = 512;
  config.labels = labels;
  return config;
}

std::unique_ptr<model::Bert> make_scratch_bert(backend::Backend& backend, const model::BertConfig& config,
                                               std::uint64_t seed) {
  auto bert = std::make_unique<model::Bert>(backend, config, model::Head::cls_linear, false);
  model::NormalInit init(seed);
  for (const model::ParameterView& view : bert->table().views()) {
    std::vector<float> values;
    if (view.name.ends_with("LayerNorm.weight")) {
      values.assign(view.numel, 1.0f);
    } else if (view.name.ends_with(".bias")) {
      values.assign(view.numel, 0.0f);
    } else {
      values = init.draw(view.numel, config.initializer_range);
      if (view.name.ends_with("word_embeddings.weight")) {  // torch's padding_idx row
        const std::size_t row = static_cast<std::size_t>(config.pad_token_id) * config.hidden_size;
        std::fill_n(values.begin() + row, config.hidden_size, 0.0f);
      }
    }
    backend.upload(bert->params() + view.offset, values.data(), values.size() * sizeof(float));
  }
  return bert;
}

}  // namespace textclass::cli
