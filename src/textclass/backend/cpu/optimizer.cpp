#include "textclass/backend/cpu/optimizer.hpp"

#include <cmath>

namespace textclass::backend::cpu {
namespace {

// torch.lerp's formula, which switches form at weight 0.5 to stay accurate near both ends.
float lerp(float start, float end, float weight) {
  return weight < 0.5f ? start + weight * (end - start) : end - (end - start) * (1.0f - weight);
}

}  // namespace

double sum_squares(const float* x, std::size_t n) {
  double sum = 0.0;
#pragma omp parallel for simd reduction(+ : sum)
  for (std::size_t i = 0; i < n; i++) sum += static_cast<double>(x[i]) * x[i];
  return sum;
}

void adamw_update(float* params, const float* grads, float* m, float* v, std::size_t n, double lr, double beta1,
                  double beta2, double eps, double weight_decay, float grad_scale, int step) {
  // torch computes these scalars in Python (double) and its float kernels round each to float once.
  const float decay = static_cast<float>(1.0 - lr * weight_decay);
  const float m_weight = static_cast<float>(1.0 - beta1);
  const float v_decay = static_cast<float>(beta2);
  const float v_weight = static_cast<float>(1.0 - beta2);
  const float step_size = static_cast<float>(lr / (1.0 - std::pow(beta1, step)));
  const float bias_correction2_sqrt = static_cast<float>(std::sqrt(1.0 - std::pow(beta2, step)));
  const float epsilon = static_cast<float>(eps);
#pragma omp parallel for simd schedule(static)
  for (std::size_t i = 0; i < n; i++) {
    const float g = grads[i] * grad_scale;
    m[i] = lerp(m[i], g, m_weight);
    v[i] = v[i] * v_decay + v_weight * g * g;  // v.mul_(β2).addcmul_(g, g, value=1-β2)
    const float denom = std::sqrt(v[i]) / bias_correction2_sqrt + epsilon;
    params[i] = params[i] * decay + -step_size * m[i] / denom;  // p.mul_(decay).addcdiv_(m, denom, value=-step_size)
  }
}

}  // namespace textclass::backend::cpu
