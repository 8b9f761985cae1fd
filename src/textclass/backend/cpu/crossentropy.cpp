#include "textclass/backend/cpu/crossentropy.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>

namespace textclass::backend::cpu {

// A classifier has a handful of classes, so one thread does it; the log-sum-exp is in double, which
// rounds to torch's float log_softmax within an ulp.
void crossentropy_forward(float* losses, float* probs, const float* logits, const int32_t* labels, int B, int V) {
  for (int b = 0; b < B; b++) {
    const float* x = logits + static_cast<std::size_t>(b) * V;
    const double max = *std::max_element(x, x + V);
    double sum = 0.0;
    for (int v = 0; v < V; v++) sum += std::exp(x[v] - max);
    const double lse = std::log(sum);
    float* p = probs + static_cast<std::size_t>(b) * V;
    for (int v = 0; v < V; v++) p[v] = static_cast<float>(std::exp(x[v] - max - lse));
    losses[b] = static_cast<float>(lse - (x[labels[b]] - max));
  }
}

void crossentropy_backward(float* dlogits, const float* probs, const int32_t* labels, int B, int V) {
  const float inverse_batch = 1.0f / static_cast<float>(B);
  for (int b = 0; b < B; b++) {
    const std::size_t row = static_cast<std::size_t>(b) * V;
    for (int v = 0; v < V; v++) {
      const float target = v == labels[b] ? 1.0f : 0.0f;
      dlogits[row + v] = (probs[row + v] - target) * inverse_batch;
    }
  }
}

}  // namespace textclass::backend::cpu
