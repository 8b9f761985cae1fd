#pragma once
// AdamW's arithmetic, shared by the CPU and CUDA backends so both take the same steps:
// torch.optim.AdamW's single-tensor update (see Backend::adamw_update).
#include <cmath>

#include "textclass/backend/backend.hpp"  // TEXTCLASS_HOST_DEVICE

namespace textclass::backend {

// The step's scalars. torch computes them in Python (double) and its float kernels round each to
// float once, so they are formed here in double and rounded once.
struct AdamWScalars {
  float decay, m_weight, v_decay, v_weight, step_size, bias_correction2_sqrt, epsilon, grad_scale;
};

inline AdamWScalars adamw_scalars(double lr, double beta1, double beta2, double eps, double weight_decay,
                                  float grad_scale, int step) {
  return {static_cast<float>(1.0 - lr * weight_decay),
          static_cast<float>(1.0 - beta1),
          static_cast<float>(beta2),
          static_cast<float>(1.0 - beta2),
          static_cast<float>(lr / (1.0 - std::pow(beta1, step))),
          static_cast<float>(std::sqrt(1.0 - std::pow(beta2, step))),
          static_cast<float>(eps),
          grad_scale};
}

// torch.lerp's formula, which switches form at weight 0.5 to stay accurate near both ends.
TEXTCLASS_HOST_DEVICE inline float torch_lerp(float start, float end, float weight) {
  return weight < 0.5f ? start + weight * (end - start) : end - (end - start) * (1.0f - weight);
}

// One parameter's update:
//   m = lerp(m, g, 1-β1);  v = β2 v + (1-β2) g²;  p = p·(1 - lr·wd) - step_size · m / (sqrt(v)/bc2 + eps)
TEXTCLASS_HOST_DEVICE inline void adamw_element(float& param, float grad, float& m, float& v, const AdamWScalars& s) {
  const float g = grad * s.grad_scale;
  m = torch_lerp(m, g, s.m_weight);
  v = v * s.v_decay + s.v_weight * g * g;  // v.mul_(β2).addcmul_(g, g, value=1-β2)
  const float denom = sqrtf(v) / s.bias_correction2_sqrt + s.epsilon;
  param = param * s.decay + -s.step_size * m / denom;  // p.mul_(decay).addcdiv_(m, denom, value=-step_size)
}

}  // namespace textclass::backend
