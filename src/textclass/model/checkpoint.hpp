#pragma once
// Model directories in HuggingFace's layout: config.json + model.safetensors. Reads both naming
// styles of BERT checkpoints (LayerNorm.weight/bias and the hub's older LayerNorm.gamma/beta;
// with or without the "bert." prefix), ignores pre-training heads (cls.*) and anything else it
// does not use, and initialises a missing classifier (and a missing pooler under Head::pooler)
// as HF does: normal(0, initializer_range) weights, zero biases.
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
  // unset: the head the checkpoint was saved with (config.json's textclass_head), else cls_linear
  std::optional<Head> head;
  std::vector<std::string> labels;  // the classes to train; empty keeps the config's id2label
  uint64_t init_seed = 0;           // for the layers the checkpoint lacks
  // In [0, 1): replaces every dropout probability of config.json (hidden, attention, the head's),
  // as HF's from_pretrained(..., hidden_dropout_prob=p, ...) does; the model saves it in its config.
  std::optional<double> dropout = std::nullopt;
};

std::unique_ptr<Bert> load_bert(backend::Backend& backend, const std::string& dir, const LoadOptions& options = {});

// Fills bert's parameters from file; each must be present with the right shape except the
// classifier and, under Head::pooler, the pooler, which are initialised from init_seed.
void load_weights(Bert& bert, const SafetensorsFile& file, uint64_t init_seed);

// Writes dir/config.json (recording the head) and dir/model.safetensors (HF names, fp32),
// creating dir if needed.
void save_bert(const Bert& bert, const std::string& dir);

}  // namespace textclass::model
