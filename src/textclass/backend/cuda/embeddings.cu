// Embeddings: out[r,:] = wte[ids[bt]] + wtt[token_types[bt]] + wpe[t] for the token bt = b·T + t of
// row r (rows[r], or r where rows is null; zeros where it is negative), summed in the CPU backend's
// order, and the backward scatter-add of dout into the three tables.
#include "textclass/backend/cuda/cuda_check.cuh"
#include "textclass/backend/cuda/kernel_launch.cuh"
#include "textclass/backend/cuda/kernels.cuh"
#include "textclass/backend/cuda/launch.cuh"

namespace textclass::backend::cuda {
namespace {

__device__ inline int32_t token_of(const int32_t* rows, int r) { return rows != nullptr ? rows[r] : r; }

// A block per row r (of M), its threads over the C channels.
__global__ void embeddings_forward_kernel(float* out, const int32_t* ids, const int32_t* token_types,
                                          const int32_t* rows, const float* wte, const float* wpe, const float* wtt,
                                          int M, int T, int C) {
  await_earlier_kernels();
  for (int r = blockIdx.x; r < M; r += gridDim.x) {
    float* o = out + static_cast<std::size_t>(r) * C;
    const int32_t bt = token_of(rows, r);
    if (bt < 0) {
      for (int c = threadIdx.x; c < C; c += blockDim.x) o[c] = 0.0f;
      continue;
    }
    const float* word = wte + static_cast<std::size_t>(ids[bt]) * C;
    const float* type = wtt + static_cast<std::size_t>(token_types[bt]) * C;
    const float* position = wpe + static_cast<std::size_t>(bt % T) * C;
    for (int c = threadIdx.x; c < C; c += blockDim.x) o[c] = (word[c] + type[c]) + position[c];
  }
}

// Tokens that share an id (or a position, or a token type) add into the same row, so the adds are
// atomic; their order varies from run to run, which moves the sums by rounding only.
__global__ void embeddings_backward_kernel(float* dwte, float* dwpe, float* dwtt, const float* dout,
                                           const int32_t* ids, const int32_t* token_types, const int32_t* rows,
                                           int M, int T, int C) {
  await_earlier_kernels();
  for (int r = blockIdx.x; r < M; r += gridDim.x) {
    const int32_t bt = token_of(rows, r);
    if (bt < 0) continue;
    float* word = dwte + static_cast<std::size_t>(ids[bt]) * C;
    float* type = dwtt + static_cast<std::size_t>(token_types[bt]) * C;
    float* position = dwpe + static_cast<std::size_t>(bt % T) * C;
    const float* d = dout + static_cast<std::size_t>(r) * C;
    for (int c = threadIdx.x; c < C; c += blockDim.x) {
      atomicAdd(&word[c], d[c]);
      atomicAdd(&type[c], d[c]);
      atomicAdd(&position[c], d[c]);
    }
  }
}

}  // namespace

void embeddings_forward(cudaStream_t stream, float* out, const int32_t* ids, const int32_t* token_types,
                        const int32_t* rows, const float* wte, const float* wpe, const float* wtt, int M, int T,
                        int C) {
  if (M == 0 || C == 0) return;
  launch(embeddings_forward_kernel, Grid(M, kBlock, 0, stream), out, ids, token_types, rows, wte, wpe, wtt, M, T, C);
  check_launch("embeddings_forward");
}

void embeddings_backward(cudaStream_t stream, float* dwte, float* dwpe, float* dwtt, const float* dout,
                         const int32_t* ids, const int32_t* token_types, const int32_t* rows, int M, int T, int C) {
  if (M == 0 || C == 0) return;
  launch(embeddings_backward_kernel, Grid(M, kBlock, 0, stream), dwte, dwpe, dwtt, dout, ids, token_types, rows, M, T, C);
  check_launch("embeddings_backward");
}

}  // namespace textclass::backend::cuda
