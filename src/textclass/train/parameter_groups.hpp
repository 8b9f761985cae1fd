#pragma once
// The HF Trainer's optimizer parameter groups: weight decay on every parameter except biases and
// LayerNorm weights, expressed as contiguous spans of the model's parameter allocation (its
// ParameterTable orders tensors so that there are only a few).
#include <cstddef>
#include <string>
#include <vector>

#include "textclass/model/parameter_table.hpp"

namespace textclass::train {

// Trainer.get_decay_parameter_names' rule, on HF names.
bool applies_weight_decay(const std::string& parameter_name);

struct ParameterSpan {
  std::size_t offset = 0;  // floats from the start of the allocation
  std::size_t count = 0;
  double weight_decay = 0.0;
};

// The trainable parameters, neighbours with the same decay merged into one span (alignment gaps
// between them are zeros in parameters, gradients and moments, so an update leaves them zero).
// Parameters that get no gradient are left out, as torch's optimizer skips a parameter whose
// .grad is None.
std::vector<ParameterSpan> parameter_groups(const model::ParameterTable& table, double weight_decay);

}  // namespace textclass::train
