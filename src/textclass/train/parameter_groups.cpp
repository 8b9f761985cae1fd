#include "textclass/train/parameter_groups.hpp"

namespace textclass::train {

bool applies_weight_decay(const std::string& name) {
  bool is_bias = name.size() >= 5 && name.compare(name.size() - 5, 5, ".bias") == 0;
  // (BERT's and RoBERTa's LayerNorm, DistilBERT's sa_layer_norm and output_layer_norm)
  bool is_layernorm = name.find("LayerNorm") != std::string::npos || name.find("layer_norm") != std::string::npos;
  return !is_bias && !is_layernorm;
}

std::vector<ParameterSpan> parameter_groups(const model::ParameterTable& table, double weight_decay) {
  std::vector<ParameterSpan> spans;
  bool previous_trainable = false;
  for (const model::ParameterView& view : table.views()) {
    if (!view.trainable) {
      previous_trainable = false;
      continue;
    }
    double decay = applies_weight_decay(view.name) ? weight_decay : 0.0;
    if (previous_trainable && spans.back().weight_decay == decay) {
      spans.back().count = view.offset + view.numel - spans.back().offset;
    } else {
      spans.push_back({view.offset, view.numel, decay});
    }
    previous_trainable = true;
  }
  return spans;
}

}  // namespace textclass::train
