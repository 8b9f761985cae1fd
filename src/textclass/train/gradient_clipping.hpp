#pragma once
// Clipping by the global gradient norm, as torch.nn.utils.clip_grad_norm_ (which the Trainer calls
// with max_grad_norm): total = sqrt(Σ grad² over every parameter with a gradient), and gradients
// are multiplied by min(1, max_norm / (total + 1e-6)). Here the factor is handed to the optimizer
// (AdamW::step's grad_scale) rather than written back into the gradients.
#include <vector>

#include "textclass/backend/backend.hpp"
#include "textclass/train/parameter_groups.hpp"

namespace textclass::train {

// The L2 norm of the gradients over the spans (what the Trainer logs as grad_norm).
double global_grad_norm(backend::Backend& backend, const float* grads, const std::vector<ParameterSpan>& spans);

// min(1, max_norm / (total_norm + 1e-6)); a max_norm of 0 or less disables clipping.
float clip_factor(double total_norm, double max_norm);

}  // namespace textclass::train
