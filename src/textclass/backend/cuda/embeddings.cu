// Embeddings: out[b,t,:] = wte[ids[b,t]] + wtt[token_types[b,t]] + wpe[t] (summed in the CPU
// backend's order), and the backward scatter-add of dout into the three tables.
#include "textclass/backend/cuda/cuda_check.cuh"
#include "textclass/backend/cuda/kernels.cuh"
#include "textclass/backend/cuda/launch.cuh"

namespace textclass::backend::cuda {
namespace {

__global__ void embeddings_forward_kernel(float* out, const int32_t* ids, const int32_t* token_types,
                                          const float* wte, const float* wpe, const float* wtt, int T, int C,
                                          std::size_t n) {
  for (std::size_t i = thread_index(); i < n; i += grid_stride()) {
    const std::size_t bt = i / C, c = i % C, t = bt % T;
    out[i] = (wte[static_cast<std::size_t>(ids[bt]) * C + c] + wtt[static_cast<std::size_t>(token_types[bt]) * C + c]) +
             wpe[t * C + c];
  }
}

// Tokens that share an id (or a position, or a token type) add into the same row, so the adds are
// atomic; their order varies from run to run, which moves the sums by rounding only.
__global__ void embeddings_backward_kernel(float* dwte, float* dwpe, float* dwtt, const float* dout,
                                           const int32_t* ids, const int32_t* token_types, int T, int C,
                                           std::size_t n) {
  for (std::size_t i = thread_index(); i < n; i += grid_stride()) {
    const std::size_t bt = i / C, c = i % C, t = bt % T;
    const float d = dout[i];
    atomicAdd(&dwte[static_cast<std::size_t>(ids[bt]) * C + c], d);
    atomicAdd(&dwtt[static_cast<std::size_t>(token_types[bt]) * C + c], d);
    atomicAdd(&dwpe[t * C + c], d);
  }
}

}  // namespace

void embeddings_forward(cudaStream_t stream, float* out, const int32_t* ids, const int32_t* token_types,
                        const float* wte, const float* wpe, const float* wtt, int B, int T, int C) {
  const std::size_t n = static_cast<std::size_t>(B) * T * C;
  if (n == 0) return;
  embeddings_forward_kernel<<<blocks_for(n), kBlock, 0, stream>>>(out, ids, token_types, wte, wpe, wtt, T, C, n);
  check_launch("embeddings_forward");
}

void embeddings_backward(cudaStream_t stream, float* dwte, float* dwpe, float* dwtt, const float* dout,
                         const int32_t* ids, const int32_t* token_types, int B, int T, int C) {
  const std::size_t n = static_cast<std::size_t>(B) * T * C;
  if (n == 0) return;
  embeddings_backward_kernel<<<blocks_for(n), kBlock, 0, stream>>>(dwte, dwpe, dwtt, dout, ids, token_types, T, C, n);
  check_launch("embeddings_backward");
}

}  // namespace textclass::backend::cuda
