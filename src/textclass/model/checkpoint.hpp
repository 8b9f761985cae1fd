#pragma once
// Model directories in HuggingFace's layout: config.json + model.safetensors. Reads both naming
// styles of BERT checkpoints (LayerNorm.weight/bias and the hub's older LayerNorm.gamma/beta;
// with or without the "bert." prefix), ignores pre-training heads (cls.*) and anything else it
// does not use, and initialises a missing classifier (and a missing pooler under Head::pooler)
// as HF does: normal(0, initializer_range) weights, zero biases.
//
// The head is what transformers' AutoModelForSequenceClassification would build: a finished
// classifier (BertForSequenceClassification) runs with its pooler; a checkpoint without a
// classifier gets transformers' head unless another is asked for; the notebook's head only where
// config.json says so (notebook_head_code.hpp) or it is asked for.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "textclass/backend/backend.hpp"
#include "textclass/model/bert.hpp"
#include "textclass/model/safetensors_file.hpp"

namespace textclass::model {

struct LoadOptions {
  // The head to run. Unset: a finished classifier's own, else (no classifier in the checkpoint)
  // transformers' (Head::pooler). Asking a finished classifier for another head is an Error.
  std::optional<Head> head;
  std::vector<std::string> labels;  // the classes to train; empty keeps the config's id2label
  uint64_t init_seed = 0;           // for the layers the checkpoint lacks
  // In [0, 1): replaces every dropout probability of config.json (hidden, attention, the head's),
  // as HF's from_pretrained(..., hidden_dropout_prob=p, ...) does; the model saves it in its config.
  std::optional<double> dropout = std::nullopt;
  // transformers' from_config: config.json's architecture with every weight drawn from init_seed
  // (init_weights), model.safetensors not read; the head is `head`, else transformers' (pooler).
  bool random_weights = false;
};

std::unique_ptr<Bert> load_bert(backend::Backend& backend, const std::string& dir, const LoadOptions& options = {});

// Every parameter as HF's _init_weights draws it: linear and embedding weights normal(0,
// initializer_range), the padding token's embedding row zero, biases zero, LayerNorm weight 1 and bias 0.
void init_weights(Bert& bert, uint64_t seed);

// Fills bert's parameters from file; each must be present with the right shape except the
// classifier and, under Head::pooler, the pooler, which are initialised from init_seed.
void load_weights(Bert& bert, const SafetensorsFile& file, uint64_t init_seed);

// Writes dir/config.json and dir/model.safetensors (HF names, fp32), each through a temporary file,
// creating dir if needed; transformers loads the folder as it is. Under Head::pooler it is a plain
// BertForSequenceClassification. Under Head::cls_linear config.json names custom code and
// dir/modeling_textclass.py holds it (notebook_head_code.hpp); that file is removed otherwise.
void save_bert(const Bert& bert, const std::string& dir);

}  // namespace textclass::model
