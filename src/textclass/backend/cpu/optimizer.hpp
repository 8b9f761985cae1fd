#pragma once
// The optimizer's passes over all n parameters at once.
//   sum_squares  = Σ_i x_i², summed in double (for the global gradient norm)
//   adamw_update = one step of torch.optim.AdamW (single-tensor path), with g = grad · grad_scale:
//     p = p · (1 - lr·wd);  m = lerp(m, g, 1-β1);  v = v·β2 + (1-β2)·g·g
//     p = p - (lr / (1-β1^step)) · m / (sqrt(v) / sqrt(1-β2^step) + eps)
#include <cstddef>

#include "textclass/backend/cpu/isa.hpp"

namespace textclass::backend::cpu {

double sum_squares(const float* x, std::size_t n);

void adamw_update(float* params, const float* grads, float* m, float* v, std::size_t n, double lr, double beta1,
                  double beta2, double eps, double weight_decay, float grad_scale, int step, Isa isa);

}  // namespace textclass::backend::cpu
