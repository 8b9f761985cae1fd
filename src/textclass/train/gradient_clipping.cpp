#include "textclass/train/gradient_clipping.hpp"

#include <algorithm>
#include <cmath>

namespace textclass::train {

double global_grad_norm(backend::Backend& backend, const float* grads, const std::vector<ParameterSpan>& spans) {
  double sum = 0.0;
  for (const ParameterSpan& s : spans) sum += backend.sum_squares(grads + s.offset, s.count);
  return std::sqrt(sum);
}

float clip_factor(double total_norm, double max_norm) {
  if (max_norm <= 0.0) return 1.0f;
  return static_cast<float>(std::min(1.0, max_norm / (total_norm + 1e-6)));
}

}  // namespace textclass::train
