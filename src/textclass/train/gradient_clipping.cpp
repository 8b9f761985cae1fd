#include "textclass/train/gradient_clipping.hpp"

#include <algorithm>
#include <cmath>

namespace textclass::train {

double global_grad_norm(backend::Backend& backend, const float* grads, const std::vector<ParameterSpan>& spans) {
  // one sum over each run of adjacent spans: a backend's sum_squares waits for the device
  double sum = 0.0;
  for (std::size_t first = 0, last = 0; first < spans.size(); first = last) {
    const std::size_t offset = spans[first].offset;
    std::size_t end = offset + spans[first].count;
    for (last = first + 1; last < spans.size() && spans[last].offset == end; last++) end += spans[last].count;
    sum += backend.sum_squares(grads + offset, end - offset);
  }
  return std::sqrt(sum);
}

float clip_factor(double total_norm, double max_norm) {
  if (max_norm <= 0.0) return 1.0f;
  return static_cast<float>(std::min(1.0, max_norm / (total_norm + 1e-6)));
}

}  // namespace textclass::train
