#include "textclass/backend/cpu/optimizer.hpp"

#include "textclass/backend/adamw_math.hpp"

namespace textclass::backend::cpu {

double sum_squares(const float* x, std::size_t n) {
  double sum = 0.0;
#pragma omp parallel for simd reduction(+ : sum)
  for (std::size_t i = 0; i < n; i++) sum += static_cast<double>(x[i]) * x[i];
  return sum;
}

void adamw_update(float* params, const float* grads, float* m, float* v, std::size_t n, double lr, double beta1,
                  double beta2, double eps, double weight_decay, float grad_scale, int step) {
  const AdamWScalars scalars = adamw_scalars(lr, beta1, beta2, eps, weight_decay, grad_scale, step);
#pragma omp parallel for simd schedule(static)
  for (std::size_t i = 0; i < n; i++) adamw_element(params[i], grads[i], m[i], v[i], scalars);
}

}  // namespace textclass::backend::cpu
