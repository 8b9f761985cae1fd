// Cross-entropy of a classifier: a handful of classes per row, so one thread per row, with the
// log-sum-exp in double as on the CPU.
//   forward   losses[b] = lse(logits[b]) - logits[b, label];  probs[b] = softmax(logits[b])
//   backward  dlogits[b] = (probs[b] - onehot(label)) / B
#include "textclass/backend/cuda/cuda_check.cuh"
#include "textclass/backend/cuda/kernel_launch.cuh"
#include "textclass/backend/cuda/kernels.cuh"
#include "textclass/backend/cuda/launch.cuh"

namespace textclass::backend::cuda {
namespace {

__global__ void crossentropy_forward_kernel(float* losses, float* probs, const float* logits, const int32_t* labels,
                                            int B, int V) {
  await_earlier_kernels();
  const int b = blockIdx.x * blockDim.x + threadIdx.x;
  if (b >= B) return;
  const float* x = logits + static_cast<std::size_t>(b) * V;
  double max = x[0];
  for (int v = 1; v < V; v++) max = fmax(max, static_cast<double>(x[v]));
  double sum = 0.0;
  for (int v = 0; v < V; v++) sum += exp(x[v] - max);
  const double lse = log(sum);
  float* p = probs + static_cast<std::size_t>(b) * V;
  for (int v = 0; v < V; v++) p[v] = static_cast<float>(exp(x[v] - max - lse));
  losses[b] = static_cast<float>(lse - (x[labels[b]] - max));
}

__global__ void crossentropy_backward_kernel(float* dlogits, const float* probs, const int32_t* labels, int B, int V) {
  await_earlier_kernels();
  const float inverse_batch = 1.0f / static_cast<float>(B);
  const std::size_t n = static_cast<std::size_t>(B) * V;
  for (std::size_t i = thread_index(); i < n; i += grid_stride()) {
    const float target = static_cast<int>(i % V) == labels[i / V] ? 1.0f : 0.0f;
    dlogits[i] = (probs[i] - target) * inverse_batch;
  }
}

}  // namespace

void crossentropy_forward(cudaStream_t stream, float* losses, float* probs, const float* logits,
                          const int32_t* labels, int B, int V) {
  if (B == 0) return;
  launch(crossentropy_forward_kernel, Grid((B + 127) / 128, 128, 0, stream), losses, probs, logits, labels, B, V);
  check_launch("crossentropy_forward");
}

void crossentropy_backward(cudaStream_t stream, float* dlogits, const float* probs, const int32_t* labels, int B,
                           int V) {
  const std::size_t n = static_cast<std::size_t>(B) * V;
  if (n == 0) return;
  launch(crossentropy_backward_kernel, Grid(blocks_for(n), kBlock, 0, stream), dlogits, probs, labels, B, V);
  check_launch("crossentropy_backward");
}

}  // namespace textclass::backend::cuda
