// The fused attention kernels (fused_attention.cuh): the blocks of fused_attention_blocks.hpp on the
// GPU. Every thread of a warp walks the shared rows in the same order, so their reads are broadcasts,
// and the threads sharing a row sum their partial products by warp shuffles.
#include <cstdint>
#include <type_traits>

#include "textclass/backend/cuda/cuda_check.cuh"
#include "textclass/backend/cuda/fused_attention.cuh"
#include "textclass/backend/cuda/fused_attention_blocks.hpp"
#include "textclass/backend/cuda/head_sizes.cuh"
#include "textclass/backend/cuda/kernel_launch.cuh"
#include "textclass/backend/cuda/launch.cuh"

namespace textclass::backend::cuda {
namespace {

// fused_attention_blocks.hpp's Block as CUDA gives it.
struct DeviceBlock {
  __device__ int x() const { return blockIdx.x; }
  __device__ int y() const { return blockIdx.y; }
  __device__ int thread() const { return threadIdx.x; }
  __device__ int threads() const { return blockDim.x; }
  __device__ float* shared() const {
    extern __shared__ Float4 shared_memory[];
    return reinterpret_cast<float*>(shared_memory);
  }
  __device__ bool sync_or(int value) const { return __syncthreads_or(value) != 0; }
  __device__ float sum_parts(float x, int parts) const {
    for (int offset = parts / 2; offset > 0; offset /= 2) x += __shfl_xor_sync(0xffffffffu, x, offset);
    return x;
  }
};

// The seed from device memory where a CUDA graph keeps it (seed.cuh), only when there is dropout.
__device__ FusedAttentionArgs with_seed(FusedAttentionArgs args, Seed seed) {
  args.seed = args.p > 0.0f ? seed.get() : 0;
  return args;
}

template <int HS>
__global__ void __launch_bounds__(kMaxFusedAttentionThreads) fused_attention_forward_kernel(FusedAttentionArgs args, Seed seed) {
  await_earlier_kernels();
  DeviceBlock block;
  fused_attention_forward_block<HS>(block, with_seed(args, seed));
}

template <int HS>
__global__ void __launch_bounds__(kMaxFusedAttentionThreads)
    fused_attention_query_backward_kernel(FusedAttentionArgs args, Seed seed) {
  await_earlier_kernels();
  DeviceBlock block;
  fused_attention_query_backward_block<HS>(block, with_seed(args, seed));
}

template <int HS>
__global__ void __launch_bounds__(kMaxFusedAttentionThreads)
    fused_attention_key_backward_kernel(FusedAttentionArgs args, Seed seed) {
  await_earlier_kernels();
  DeviceBlock block;
  fused_attention_key_backward_block<HS>(block, with_seed(args, seed));
}

std::size_t shared_bytes(const AttentionShape& s) { return sizeof(float) * fused_attention_shared_floats(s.T, s.hs()); }

// The head sizes the kernels are built for.
template <typename F>
bool with_head_size(int hs, F&& f) {
  return dispatch_head_size<4, 8, 16, 32, 64>(hs, f);
}

// The dynamic shared memory a block may have on this device, granted to every kernel above.
int shared_limit() {
  static const int limit = [] {
    int bytes = 0;
    for (int hs : {4, 8, 16, 32, 64})
      with_head_size(hs, [&](auto head_size) {
        constexpr int HS = decltype(head_size)::value;
        bytes = grant_shared_memory({reinterpret_cast<const void*>(&fused_attention_forward_kernel<HS>),
                                     reinterpret_cast<const void*>(&fused_attention_query_backward_kernel<HS>),
                                     reinterpret_cast<const void*>(&fused_attention_key_backward_kernel<HS>)});
      });
    return bytes;
  }();
  return limit;
}

// What every kernel is given; each launcher adds its own tensors.
FusedAttentionArgs args_for(const AttentionShape& s, const float* qkv, const int32_t* mask, float dropout_p) {
  FusedAttentionArgs args{};
  args.qkv = qkv;
  args.mask = mask;
  args.p = dropout_p;
  args.scale = s.scale();
  args.T = s.T, args.C = s.C, args.NH = s.NH;
  return args;
}

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
  FusedAttentionArgs args = args_for(s, qkv, mask, dropout_p);
  args.out = out;
  args.stats_out = stats;
  with_head_size(s.hs(), [&](auto head_size) {
    constexpr int HS = decltype(head_size)::value;
    const FusedAttentionLaunch shape = fused_attention_launch<HS>(s.T);
    const dim3 grid(shape.tiles, s.heads());
    launch(fused_attention_forward_kernel<HS>, Grid(grid, shape.threads, shared_bytes(s), stream), args, seed);
  });
  check_launch("attention (fused forward)");
}

void fused_attention_backward(cudaStream_t stream, float* dqkv, float* D, const float* dout, const float* qkv,
                              const float* stats, const int32_t* mask, float dropout_p, Seed seed,
                              const AttentionShape& s) {
  FusedAttentionArgs args = args_for(s, qkv, mask, dropout_p);
  args.stats = stats;
  args.dout = dout;
  args.dqkv = dqkv;
  args.D = D;
  with_head_size(s.hs(), [&](auto head_size) {
    constexpr int HS = decltype(head_size)::value;
    const FusedAttentionLaunch shape = fused_attention_launch<HS>(s.T);
    const dim3 grid(shape.tiles, s.heads());
    launch(fused_attention_query_backward_kernel<HS>, Grid(grid, shape.threads, shared_bytes(s), stream), args, seed);
    check_launch("attention (fused backward, queries)");
    launch(fused_attention_key_backward_kernel<HS>, Grid(grid, shape.threads, shared_bytes(s), stream), args, seed);
    check_launch("attention (fused backward, keys)");
  });
}

}  // namespace textclass::backend::cuda
