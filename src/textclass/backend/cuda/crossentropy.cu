// The losses' launchers: the kernels are loss_kernels.cuh's, the arithmetic loss_math.hpp's.
#include "textclass/backend/cuda/cuda_check.cuh"
#include "textclass/backend/cuda/kernel_launch.cuh"
#include "textclass/backend/cuda/kernels.cuh"
#include "textclass/backend/cuda/launch.cuh"
#include "textclass/backend/cuda/loss_kernels.cuh"

namespace textclass::backend::cuda {

namespace {
constexpr int kRowThreads = 128;  // the forward kernels' threads per block, a row each
unsigned row_blocks(int B) { return static_cast<unsigned>((B + kRowThreads - 1) / kRowThreads); }
}  // namespace

void crossentropy_forward(cudaStream_t stream, float* losses, float* probs, const float* logits,
                          const int32_t* labels, const float* class_weights, float label_smoothing, int B, int V) {
  if (B == 0) return;
  launch(losses::crossentropy_forward_kernel<>, Grid(row_blocks(B), kRowThreads, 0, stream), losses, probs, logits,
         labels, class_weights, label_smoothing, B, V);
  check_launch("crossentropy_forward");
}

void crossentropy_backward(cudaStream_t stream, float* dlogits, const float* probs, const int32_t* labels,
                           const float* class_weights, float label_smoothing, int B, int V) {
  const std::size_t n = static_cast<std::size_t>(B) * V;
  if (n == 0) return;
  launch(losses::crossentropy_backward_kernel<>, Grid(blocks_for(n), kBlock, 0, stream), dlogits, probs, labels,
         class_weights, label_smoothing, B, V);
  check_launch("crossentropy_backward");
}

void bce_with_logits_forward(cudaStream_t stream, float* losses, float* probs, const float* logits,
                             const float* targets, int B, int V) {
  if (B == 0) return;
  launch(losses::bce_with_logits_forward_kernel<>, Grid(row_blocks(B), kRowThreads, 0, stream), losses, probs, logits,
         targets, B, V);
  check_launch("bce_with_logits_forward");
}

void mse_forward(cudaStream_t stream, float* losses, const float* predictions, const float* targets, int B, int V) {
  if (B == 0) return;
  launch(losses::mse_forward_kernel<>, Grid(row_blocks(B), kRowThreads, 0, stream), losses, predictions, targets, B,
         V);
  check_launch("mse_forward");
}

void scaled_difference(cudaStream_t stream, float* out, const float* a, const float* b, double scale, std::size_t n) {
  if (n == 0) return;
  launch(losses::scaled_difference_kernel<>, Grid(blocks_for(n), kBlock, 0, stream), out, a, b, scale, n);
  check_launch("scaled_difference");
}

}  // namespace textclass::backend::cuda
