#pragma once
// Typed pointers into a parameter-shaped allocation (the parameters themselves or their
// gradients), resolved once from the ParameterTable so the forward and backward passes read
// like llm.c's: layer.qkv_weight, layer.ffn_out_bias, ...
#include <vector>

#include "textclass/model/parameter_table.hpp"

namespace textclass::model {

struct LayerTensors {
  float* qkv_weight;       // [3C, C]: query, key, value rows
  float* qkv_bias;         // [3C]
  float* attn_out_weight;  // [C, C]
  float* attn_out_bias;    // [C]
  float* attn_ln_weight;   // [C]
  float* attn_ln_bias;     // [C]
  float* ffn_in_weight;    // [I, C]
  float* ffn_in_bias;      // [I]
  float* ffn_out_weight;   // [C, I]
  float* ffn_out_bias;     // [C]
  float* ffn_ln_weight;    // [C]
  float* ffn_ln_bias;      // [C]
};

struct BertTensors {
  float* word_embeddings;        // [vocab, C]
  float* position_embeddings;    // [max_positions, C]
  float* token_type_embeddings = nullptr;  // [type_vocab, C]; null for a family without token types
  float* embeddings_ln_weight;   // [C]
  float* embeddings_ln_bias;     // [C]
  std::vector<LayerTensors> layers;
  float* pooler_weight = nullptr;  // [C, C] the head's dense layer (family.hpp), null without one
  float* pooler_bias = nullptr;    // [C]
  float* classifier_weight;        // [V, C]
  float* classifier_bias;          // [V]
};

BertTensors resolve_tensors(const ParameterTable& table, const BertConfig& config, float* base);

}  // namespace textclass::model
