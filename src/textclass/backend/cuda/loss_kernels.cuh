#pragma once
// The losses' kernels (crossentropy.cu launches them), on loss_math.hpp's arithmetic as the CPU
// backend does: a classifier has a handful of classes, so the forward passes take one thread per
// row; the backward passes one thread per element. A header so that a test can also run them on
// host threads (tests/backend/loss_kernels_test.cpp with kernels_on_host.hpp).
#include <cstddef>
#include <cstdint>

#include "textclass/backend/cuda/launch.cuh"
#include "textclass/backend/loss_math.hpp"

namespace textclass::backend::cuda::losses {

template <typename = void>
__global__ void crossentropy_forward_kernel(float* losses, float* probs, const float* logits, const int32_t* labels,
                                            const float* class_weights, float label_smoothing, int B, int V) {
  await_earlier_kernels();
  const int b = static_cast<int>(thread_index());
  if (b >= B) return;
  // every row sums W itself: B is a batch's rows, so that is cheaper than another launch
  const double weight_sum = loss::label_weight_sum(labels, class_weights, B);
  const std::size_t row = static_cast<std::size_t>(b) * V;
  loss::crossentropy_row(losses + b, probs + row, logits + row, labels[b], class_weights, label_smoothing, weight_sum,
                         B, V);
}

template <typename = void>
__global__ void crossentropy_backward_kernel(float* dlogits, const float* probs, const int32_t* labels,
                                             const float* class_weights, float label_smoothing, int B, int V) {
  await_earlier_kernels();
  const std::size_t n = static_cast<std::size_t>(B) * V;
  const std::size_t first = thread_index();
  if (first >= n) return;
  const double weight_sum = loss::label_weight_sum(labels, class_weights, B);
  for (std::size_t i = first; i < n; i += grid_stride()) {
    const std::size_t b = i / V;
    dlogits[i] = loss::crossentropy_gradient(probs + b * V, static_cast<int>(i % V), labels[b], class_weights,
                                             label_smoothing, weight_sum, V);
  }
}

template <typename = void>
__global__ void bce_with_logits_forward_kernel(float* losses, float* probs, const float* logits, const float* targets,
                                               int B, int V) {
  await_earlier_kernels();
  const int b = static_cast<int>(thread_index());
  if (b >= B) return;
  const std::size_t row = static_cast<std::size_t>(b) * V;
  double sum = 0.0;
  for (int v = 0; v < V; v++) sum += loss::bce_with_logits_element(probs + row + v, logits[row + v], targets[row + v]);
  losses[b] = static_cast<float>(sum / V);
}

template <typename = void>
__global__ void mse_forward_kernel(float* losses, const float* predictions, const float* targets, int B, int V) {
  await_earlier_kernels();
  const int b = static_cast<int>(thread_index());
  if (b >= B) return;
  const std::size_t row = static_cast<std::size_t>(b) * V;
  double sum = 0.0;
  for (int v = 0; v < V; v++) {
    const double d = static_cast<double>(predictions[row + v]) - targets[row + v];
    sum += d * d;
  }
  losses[b] = static_cast<float>(sum / V);
}

// out[i] = (a[i] - b[i]) · scale, in double as the CPU
template <typename = void>
__global__ void scaled_difference_kernel(float* out, const float* a, const float* b, double scale, std::size_t n) {
  await_earlier_kernels();
  for (std::size_t i = thread_index(); i < n; i += grid_stride())
    out[i] = static_cast<float>((static_cast<double>(a[i]) - b[i]) * scale);
}

}  // namespace textclass::backend::cuda::losses
