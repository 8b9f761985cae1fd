#include "textclass/model/bert_tensors.hpp"

#include <string>

namespace textclass::model {

BertTensors resolve_tensors(const ParameterTable& table, int num_layers, float* base) {
  auto at = [&](const std::string& name) { return base + table.at(name).offset; };
  BertTensors t;
  t.word_embeddings = at("bert.embeddings.word_embeddings.weight");
  t.position_embeddings = at("bert.embeddings.position_embeddings.weight");
  t.token_type_embeddings = at("bert.embeddings.token_type_embeddings.weight");
  t.embeddings_ln_weight = at("bert.embeddings.LayerNorm.weight");
  t.embeddings_ln_bias = at("bert.embeddings.LayerNorm.bias");
  for (int l = 0; l < num_layers; ++l) {
    std::string p = "bert.encoder.layer." + std::to_string(l) + ".";
    t.layers.push_back({at(p + "attention.self.query.weight"), at(p + "attention.self.query.bias"),
                        at(p + "attention.output.dense.weight"), at(p + "attention.output.dense.bias"),
                        at(p + "attention.output.LayerNorm.weight"), at(p + "attention.output.LayerNorm.bias"),
                        at(p + "intermediate.dense.weight"), at(p + "intermediate.dense.bias"),
                        at(p + "output.dense.weight"), at(p + "output.dense.bias"),
                        at(p + "output.LayerNorm.weight"), at(p + "output.LayerNorm.bias")});
  }
  if (table.find("bert.pooler.dense.weight")) {
    t.pooler_weight = at("bert.pooler.dense.weight");
    t.pooler_bias = at("bert.pooler.dense.bias");
  }
  t.classifier_weight = at("classifier.weight");
  t.classifier_bias = at("classifier.bias");
  return t;
}

}  // namespace textclass::model
