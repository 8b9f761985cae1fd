#pragma once
// The HF Trainer's optimizer parameter groups: weight decay on every parameter except biases and
// LayerNorm weights, expressed as contiguous spans of the model's parameter allocation (its
// ParameterTable orders tensors so that there are only a few).
#include <cstddef>
#include <string>
#include <vector>

#include "textclass/backend/backend.hpp"
#include "textclass/model/parameter_table.hpp"

namespace textclass::train {

// Trainer.get_decay_parameter_names' rule, on HF names.
bool applies_weight_decay(const std::string& parameter_name);

using ParameterSpan = backend::ParameterSpan;

// The trainable parameters, neighbours with the same decay merged into one span (alignment gaps
// between them are zeros in parameters, gradients and moments, so an update leaves them zero).
// Parameters that get no gradient are left out, as torch's optimizer skips a parameter whose
// .grad is None.
std::vector<ParameterSpan> parameter_groups(const model::ParameterTable& table, double weight_decay);

}  // namespace textclass::train
