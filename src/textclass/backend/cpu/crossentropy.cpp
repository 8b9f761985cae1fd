#include "textclass/backend/cpu/crossentropy.hpp"

#include <cstddef>

#include "textclass/backend/loss_math.hpp"

namespace textclass::backend::cpu {

// A classifier has a handful of classes, so one thread does it; the sums are in double, which
// rounds to torch's float losses within an ulp.
void crossentropy_forward(float* losses, float* probs, const float* logits, const int32_t* labels,
                          const float* class_weights, float label_smoothing, int B, int V) {
  const double weight_sum = loss::label_weight_sum(labels, class_weights, B);
  for (int b = 0; b < B; b++) {
    const std::size_t row = static_cast<std::size_t>(b) * V;
    loss::crossentropy_row(losses + b, probs + row, logits + row, labels[b], class_weights, label_smoothing,
                           weight_sum, B, V);
  }
}

void crossentropy_backward(float* dlogits, const float* probs, const int32_t* labels, const float* class_weights,
                           float label_smoothing, int B, int V) {
  const double weight_sum = loss::label_weight_sum(labels, class_weights, B);
  for (int b = 0; b < B; b++) {
    const std::size_t row = static_cast<std::size_t>(b) * V;
    for (int v = 0; v < V; v++)
      dlogits[row + v] =
          loss::crossentropy_gradient(probs + row, v, labels[b], class_weights, label_smoothing, weight_sum, V);
  }
}

void bce_with_logits_forward(float* losses, float* probs, const float* logits, const float* targets, int B, int V) {
  for (int b = 0; b < B; b++) {
    const std::size_t row = static_cast<std::size_t>(b) * V;
    double sum = 0.0;
    for (int v = 0; v < V; v++) sum += loss::bce_with_logits_element(probs + row + v, logits[row + v], targets[row + v]);
    losses[b] = static_cast<float>(sum / V);
  }
}

void bce_with_logits_backward(float* dlogits, const float* probs, const float* targets, int B, int V) {
  const std::size_t n = static_cast<std::size_t>(B) * V;
  const double scale = 1.0 / static_cast<double>(n);
  for (std::size_t i = 0; i < n; i++) dlogits[i] = static_cast<float>((double(probs[i]) - targets[i]) * scale);
}

void mse_forward(float* losses, const float* predictions, const float* targets, int B, int V) {
  for (int b = 0; b < B; b++) {
    const std::size_t row = static_cast<std::size_t>(b) * V;
    double sum = 0.0;
    for (int v = 0; v < V; v++) {
      const double d = double(predictions[row + v]) - targets[row + v];
      sum += d * d;
    }
    losses[b] = static_cast<float>(sum / V);
  }
}

void mse_backward(float* dpredictions, const float* predictions, const float* targets, int B, int V) {
  const std::size_t n = static_cast<std::size_t>(B) * V;
  const double scale = 2.0 / static_cast<double>(n);
  for (std::size_t i = 0; i < n; i++)
    dpredictions[i] = static_cast<float>((double(predictions[i]) - targets[i]) * scale);
}

}  // namespace textclass::backend::cpu
