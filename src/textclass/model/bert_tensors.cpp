#include "textclass/model/bert_tensors.hpp"

#include <string>

namespace textclass::model {

BertTensors resolve_tensors(const ParameterTable& table, const BertConfig& config, float* base) {
  auto at = [&](const std::string& name) { return base + table.at(name).offset; };
  const TensorNames& names = tensor_names(config.family);
  BertTensors t;
  t.word_embeddings = at(names.word_embeddings);
  t.position_embeddings = at(names.position_embeddings);
  if (config.has_token_types()) t.token_type_embeddings = at(names.token_type_embeddings);
  t.embeddings_ln_weight = at(names.embeddings_ln_weight);
  t.embeddings_ln_bias = at(names.embeddings_ln_bias);
  for (int l = 0; l < config.num_hidden_layers; ++l) {
    const LayerNames n = names.layer(l);
    // (key and value follow query in the table: qkv_weight and qkv_bias span all three)
    t.layers.push_back({at(n.query_weight), at(n.query_bias), at(n.attn_out_weight), at(n.attn_out_bias),
                        at(n.attn_ln_weight), at(n.attn_ln_bias), at(n.ffn_in_weight), at(n.ffn_in_bias),
                        at(n.ffn_out_weight), at(n.ffn_out_bias), at(n.ffn_ln_weight), at(n.ffn_ln_bias)});
  }
  if (table.find(names.head_dense_weight)) {
    t.pooler_weight = at(names.head_dense_weight);
    t.pooler_bias = at(names.head_dense_bias);
  }
  t.classifier_weight = at(names.classifier_weight);
  t.classifier_bias = at(names.classifier_bias);
  return t;
}

}  // namespace textclass::model
