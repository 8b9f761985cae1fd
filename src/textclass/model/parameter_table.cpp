#include "textclass/model/parameter_table.hpp"

#include <stdexcept>

namespace textclass::model {

namespace {
constexpr std::size_t kAlignFloats = 16;
}

ParameterTable::ParameterTable(const BertConfig& config, Head head, bool with_pooler) {
  const int64_t C = config.hidden_size, I = config.intermediate_size, V = config.num_labels();
  auto layer = [](int l) { return "bert.encoder.layer." + std::to_string(l) + "."; };

  // weight-decayed: embeddings and the matrices of every linear layer
  add("bert.embeddings.word_embeddings.weight", {config.vocab_size, C});
  add("bert.embeddings.position_embeddings.weight", {config.max_position_embeddings, C});
  add("bert.embeddings.token_type_embeddings.weight", {config.type_vocab_size, C});
  for (int l = 0; l < config.num_hidden_layers; ++l) {
    add(layer(l) + "attention.self.query.weight", {C, C});
    add(layer(l) + "attention.self.key.weight", {C, C}, false);
    add(layer(l) + "attention.self.value.weight", {C, C}, false);
    add(layer(l) + "attention.output.dense.weight", {C, C});
    add(layer(l) + "intermediate.dense.weight", {I, C});
    add(layer(l) + "output.dense.weight", {C, I});
  }
  add("classifier.weight", {V, C});

  // not decayed: biases and LayerNorm parameters
  add("bert.embeddings.LayerNorm.weight", {C});
  add("bert.embeddings.LayerNorm.bias", {C});
  for (int l = 0; l < config.num_hidden_layers; ++l) {
    add(layer(l) + "attention.self.query.bias", {C});
    add(layer(l) + "attention.self.key.bias", {C}, false);
    add(layer(l) + "attention.self.value.bias", {C}, false);
    add(layer(l) + "attention.output.dense.bias", {C});
    add(layer(l) + "attention.output.LayerNorm.weight", {C});
    add(layer(l) + "attention.output.LayerNorm.bias", {C});
    add(layer(l) + "intermediate.dense.bias", {I});
    add(layer(l) + "output.dense.bias", {C});
    add(layer(l) + "output.LayerNorm.weight", {C});
    add(layer(l) + "output.LayerNorm.bias", {C});
  }
  add("classifier.bias", {V});

  if (head == Head::pooler || with_pooler) {
    bool trained = head == Head::pooler;
    add("bert.pooler.dense.weight", {C, C}, true, trained);
    add("bert.pooler.dense.bias", {C}, true, trained);
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
