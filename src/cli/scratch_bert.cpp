#include "cli/scratch_bert.hpp"

#include "textclass/model/checkpoint.hpp"

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
  model::init_weights(*bert, seed);
  return bert;
}

}  // namespace textclass::cli
