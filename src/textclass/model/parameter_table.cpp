#include "textclass/model/parameter_table.hpp"

#include <stdexcept>

namespace textclass::model {

namespace {
constexpr std::size_t kAlignFloats = 16;
}

ParameterTable::ParameterTable(const BertConfig& config, Head head, bool with_pooler) {
  const int64_t C = config.hidden_size, I = config.intermediate_size, V = config.num_labels();
  const TensorNames& names = tensor_names(config.family);
  std::vector<LayerNames> layers;
  for (int l = 0; l < config.num_hidden_layers; ++l) layers.push_back(names.layer(l));

  // weight-decayed: embeddings and the matrices of every linear layer
  add(names.word_embeddings, {config.vocab_size, C});
  add(names.position_embeddings, {config.max_position_embeddings, C});
  if (config.has_token_types()) add(names.token_type_embeddings, {config.type_vocab_size, C});
  for (const LayerNames& layer : layers) {
    add(layer.query_weight, {C, C});
    add(layer.key_weight, {C, C}, false);
    add(layer.value_weight, {C, C}, false);
    add(layer.attn_out_weight, {C, C});
    add(layer.ffn_in_weight, {I, C});
    add(layer.ffn_out_weight, {C, I});
  }
  add(names.classifier_weight, {V, C});

  // not decayed: biases and LayerNorm parameters
  add(names.embeddings_ln_weight, {C});
  add(names.embeddings_ln_bias, {C});
  for (const LayerNames& layer : layers) {
    add(layer.query_bias, {C});
    add(layer.key_bias, {C}, false);
    add(layer.value_bias, {C}, false);
    add(layer.attn_out_bias, {C});
    add(layer.attn_ln_weight, {C});
    add(layer.attn_ln_bias, {C});
    add(layer.ffn_in_bias, {I});
    add(layer.ffn_out_bias, {C});
    add(layer.ffn_ln_weight, {C});
    add(layer.ffn_ln_bias, {C});
  }
  add(names.classifier_bias, {V});

  // the head's dense layer (BERT's pooler, which under Head::cls_linear is carried untrained)
  if (head == Head::pooler || with_pooler) {
    bool trained = head == Head::pooler;
    add(names.head_dense_weight, {C, C}, true, trained);
    add(names.head_dense_bias, {C}, true, trained);
  }
}

void ParameterTable::add(const std::string& name, std::vector<int64_t> shape, bool aligned, bool trainable) {
  if (aligned) total_ = (total_ + kAlignFloats - 1) / kAlignFloats * kAlignFloats;
  std::size_t numel = 1;
  for (int64_t d : shape) numel *= static_cast<std::size_t>(d);
  views_.push_back({name, std::move(shape), total_, numel, trainable});
  total_ += numel;
}

const ParameterView* ParameterTable::find(const std::string& name) const {
  for (const auto& v : views_)
    if (v.name == name) return &v;
  return nullptr;
}

const ParameterView& ParameterTable::at(const std::string& name) const {
  const ParameterView* v = find(name);
  if (!v) throw std::out_of_range("no parameter named " + name);
  return *v;
}

}  // namespace textclass::model
