// The fused attention kernels (fused_attention.cuh): each block stages one head's rows in shared
// memory and runs the row functions of fused_attention_rows.hpp, a thread per row. Every thread of
// a warp walks the shared rows in the same order, so their reads are broadcasts.
#include <cstdint>
#include <type_traits>

#include "textclass/backend/cuda/cuda_check.cuh"
#include "textclass/backend/cuda/fused_attention.cuh"
#include "textclass/backend/cuda/fused_attention_rows.hpp"

namespace textclass::backend::cuda {
namespace {

constexpr int kThreads = 64;  // threads per block: rows, or rows times parts in the backward pass

// The backward kernels give each thread kOut<HS> channels of its row's gradients, so that its vectors
// and sums fit in registers: two threads share a row at HS = 64 (one had 255 registers and spilled).
template <int HS>
constexpr int kParts = HS >= 64 ? 2 : 1;
template <int HS>
constexpr int kOut = HS / kParts<HS>;

std::size_t shared_bytes(const AttentionShape& s) { return 2 * sizeof(float) * s.T * s.hs(); }

// Where head (b, h) starts in qkv ([B,T,3C]: its query at +0, key at +C, value at +2C, rows 3C apart)
// and in out or dout ([B,T,C], rows C apart).
struct HeadAt {
  int b, h;
  std::size_t bh;
  __device__ HeadAt(int NH) : b(blockIdx.y / NH), h(blockIdx.y % NH), bh(blockIdx.y) {}
  __device__ std::size_t qkv(int T, int C, int HS) const {
    return static_cast<std::size_t>(b) * T * 3 * C + static_cast<std::size_t>(h) * HS;
  }
  __device__ std::size_t out(int T, int C, int HS) const {
    return static_cast<std::size_t>(b) * T * C + static_cast<std::size_t>(h) * HS;
  }
};

// dst[t·HS + d] = src[t·stride + d] for the T rows of a head, four floats at a time.
template <int HS>
__device__ void stage_rows(float* dst, const float* src, std::size_t stride, int T) {
  for (int e = 4 * threadIdx.x; e < T * HS; e += 4 * blockDim.x)
    store4(dst + e, load4(src + static_cast<std::size_t>(e / HS) * stride + e % HS));
}

// Two of a head's tensors copied to the block's shared memory, T rows of HS floats each, from a
// and b (rows a_stride and b_stride apart).
struct StagedPair {
  Rows first, second;
};
template <int HS>
__device__ StagedPair stage_pair(const float* a, std::size_t a_stride, const float* b, std::size_t b_stride, int T) {
  extern __shared__ Float4 shared[];
  float* first = reinterpret_cast<float*>(shared);
  float* second = first + T * HS;
  stage_rows<HS>(first, a, a_stride, T);
  stage_rows<HS>(second, b, b_stride, T);
  return {Rows{first, HS}, Rows{second, HS}};
}

// The head's context; also the barrier after the staging (__syncthreads_or).
__device__ HeadContext head_context(const HeadAt& at, const int32_t* mask, float p, Seed seed, float scale, int T) {
  const int32_t* row_mask = mask + static_cast<std::size_t>(at.b) * T;
  int token = 0;
  for (int j = threadIdx.x; j < T; j += blockDim.x) token |= row_mask[j] != 0;
  const bool any_token = __syncthreads_or(token) != 0;
  return HeadContext{T, scale, row_mask, any_token, p, p > 0.0f ? seed.get() : 0, at.bh * T * T};
}

template <int HS>
__global__ void __launch_bounds__(kThreads)
    fused_attention_forward_kernel(float* out, float* stats, const float* qkv, const int32_t* mask, float p, Seed seed,
                                   float scale, int T, int C, int NH) {
  const HeadAt at(NH);
  const float* head_qkv = qkv + at.qkv(T, C, HS);
  const std::size_t width = 3 * static_cast<std::size_t>(C);
  const auto [k, v] = stage_pair<HS>(head_qkv + C, width, head_qkv + 2 * C, width, T);
  const HeadContext head = head_context(at, mask, p, seed, scale, T);
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= T) return;
  attention_query_forward<HS>(out + at.out(T, C, HS) + static_cast<std::size_t>(i) * C,
                              stats + 2 * (at.bh * T + i), head_qkv + i * width, k, v, head, i);
}

// dq and D for each query row: thread x of a block takes row x mod rows, channels part·kOut onwards.
template <int HS>
__global__ void __launch_bounds__(kThreads)
    fused_attention_query_backward_kernel(float* dqkv, float* D, const float* dout, const float* qkv,
                                          const float* stats, const int32_t* mask, float p, Seed seed, float scale,
                                          int T, int C, int NH) {
  const HeadAt at(NH);
  const std::size_t width = 3 * static_cast<std::size_t>(C);
  const float* head_qkv = qkv + at.qkv(T, C, HS);
  const auto [k, v] = stage_pair<HS>(head_qkv + C, width, head_qkv + 2 * C, width, T);
  const HeadContext head = head_context(at, mask, p, seed, scale, T);
  constexpr int rows = kThreads / kParts<HS>;
  const int i = blockIdx.x * rows + threadIdx.x % rows, part = threadIdx.x / rows;
  if (i >= T) return;
  const std::size_t row = at.bh * T + i;
  const float D_i = attention_query_backward<HS, kOut<HS>>(
      dqkv + at.qkv(T, C, HS) + i * width, part * kOut<HS>, head_qkv + i * width,
      dout + at.out(T, C, HS) + static_cast<std::size_t>(i) * C, stats + 2 * row, k, v, head, i);
  if (part == 0) D[row] = D_i;
}

// dk and dv for each key row: thread x of a block takes key x mod keys, channels part·kOut onwards.
template <int HS>
__global__ void __launch_bounds__(kThreads)
    fused_attention_key_backward_kernel(float* dqkv, const float* D, const float* dout, const float* qkv,
                                        const float* stats, const int32_t* mask, float p, Seed seed, float scale,
                                        int T, int C, int NH) {
  constexpr int keys = kThreads / kParts<HS>;
  const HeadAt at(NH);
  const std::size_t width = 3 * static_cast<std::size_t>(C);
  const float* head_qkv = qkv + at.qkv(T, C, HS);
  const auto [q, dy] = stage_pair<HS>(head_qkv, width, dout + at.out(T, C, HS), C, T);
  const HeadContext head = head_context(at, mask, p, seed, scale, T);
  const int j = blockIdx.x * keys + threadIdx.x % keys, part = threadIdx.x / keys;
  if (j >= T) return;
  float* d_row = dqkv + at.qkv(T, C, HS) + j * width;  // dq_j, then dk_j at +C and dv_j at +2C
  attention_key_backward<HS, kOut<HS>>(d_row + C, d_row + 2 * C, part * kOut<HS>, head_qkv + j * width + C,
                                       head_qkv + j * width + 2 * C, q, dy, stats + 2 * at.bh * T, D + at.bh * T, head,
                                       j);
}

// Calls f(std::integral_constant<int, HS>) for the head sizes the kernels are built for; false otherwise.
template <typename F>
bool with_head_size(int hs, F&& f) {
  switch (hs) {
    case 4: f(std::integral_constant<int, 4>{}); return true;
    case 8: f(std::integral_constant<int, 8>{}); return true;
    case 16: f(std::integral_constant<int, 16>{}); return true;
    case 32: f(std::integral_constant<int, 32>{}); return true;
    case 64: f(std::integral_constant<int, 64>{}); return true;
    default: return false;
  }
}

// The dynamic shared memory a block may have on this device, granted to every kernel above.
int shared_limit() {
  static const int limit = [] {
    int device = 0, bytes = 0;
    check(cudaGetDevice(&device), "finding the current device");
    check(cudaDeviceGetAttribute(&bytes, cudaDevAttrMaxSharedMemoryPerBlockOptin, device),
          "reading the shared memory size");
    for (int hs : {4, 8, 16, 32, 64})
      with_head_size(hs, [&](auto head_size) {
        constexpr int HS = decltype(head_size)::value;
        const auto grant = [&](const void* kernel) {
          check(cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, bytes),
                "granting the attention kernels shared memory");
        };
        grant(reinterpret_cast<const void*>(&fused_attention_forward_kernel<HS>));
        grant(reinterpret_cast<const void*>(&fused_attention_query_backward_kernel<HS>));
        grant(reinterpret_cast<const void*>(&fused_attention_key_backward_kernel<HS>));
      });
    return bytes;
  }();
  return limit;
}

unsigned row_tiles(int T, int rows_per_block) { return static_cast<unsigned>((T + rows_per_block - 1) / rows_per_block); }

}  // namespace

void prepare_fused_attention() { shared_limit(); }

bool fused_attention_fits(const AttentionShape& s, std::initializer_list<const void*> tensors) {
  for (const void* tensor : tensors)
    if (reinterpret_cast<std::uintptr_t>(tensor) % 16 != 0) return false;
  const bool built_for = with_head_size(s.hs(), [](auto) {});
  return built_for && s.heads() <= 65535 && shared_bytes(s) <= static_cast<std::size_t>(shared_limit());
}

void fused_attention_forward(cudaStream_t stream, float* out, float* stats, const float* qkv, const int32_t* mask,
                             float dropout_p, Seed seed, const AttentionShape& s) {
  with_head_size(s.hs(), [&](auto head_size) {
    constexpr int HS = decltype(head_size)::value;
    const dim3 grid(row_tiles(s.T, kThreads), s.heads());
    fused_attention_forward_kernel<HS><<<grid, kThreads, shared_bytes(s), stream>>>(out, stats, qkv, mask, dropout_p,
                                                                                    seed, s.scale(), s.T, s.C, s.NH);
  });
  check_launch("attention (fused forward)");
}

void fused_attention_backward(cudaStream_t stream, float* dqkv, float* D, const float* dout, const float* qkv,
                              const float* stats, const int32_t* mask, float dropout_p, Seed seed,
                              const AttentionShape& s) {
  with_head_size(s.hs(), [&](auto head_size) {
    constexpr int HS = decltype(head_size)::value;
    const dim3 queries(row_tiles(s.T, kThreads / kParts<HS>), s.heads());
    fused_attention_query_backward_kernel<HS><<<queries, kThreads, shared_bytes(s), stream>>>(
        dqkv, D, dout, qkv, stats, mask, dropout_p, seed, s.scale(), s.T, s.C, s.NH);
    check_launch("attention (fused backward, queries)");
    const dim3 keys(row_tiles(s.T, kThreads / kParts<HS>), s.heads());
    fused_attention_key_backward_kernel<HS><<<keys, kThreads, shared_bytes(s), stream>>>(
        dqkv, D, dout, qkv, stats, mask, dropout_p, seed, s.scale(), s.T, s.C, s.NH);
    check_launch("attention (fused backward, keys)");
  });
}

}  // namespace textclass::backend::cuda
