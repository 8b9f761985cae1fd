#pragma once
// What the kernels share: grid sizes for element-wise loops, and warp and block reductions.
#include <cuda_bf16.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>

// #pragma unroll where nvcc reads this, nothing where a host compiler does (it would warn).
#if defined(__CUDACC__)
#define TEXTCLASS_UNROLL _Pragma("unroll")
#else
#define TEXTCLASS_UNROLL
#endif

namespace textclass::backend::cuda {

constexpr int kBlock = 256;  // threads per block of the element-wise kernels
constexpr unsigned kFullMask = 0xffffffffu;

// Whether p is a multiple of `bytes` (the kernels' float4 paths want 16, a bf16 quad's store 8).
inline bool aligned(const void* p, std::uintptr_t bytes) { return reinterpret_cast<std::uintptr_t>(p) % bytes == 0; }

// Blocks for n elements at one per thread, capped: the kernels loop with a grid stride beyond it.
inline unsigned blocks_for(std::size_t n, int threads = kBlock) {
  const std::size_t blocks = (n + threads - 1) / threads;
  return static_cast<unsigned>(std::clamp<std::size_t>(blocks, 1, 65536));
}

// The first statement of every kernel here (kernel_launch.cuh): where the kernel was launched as
// a programmatic dependent launch, waits until the kernel before it in the stream has finished and
// its writes are visible; elsewhere (no such launch, a GPU before compute capability 9.0, host
// threads) it does nothing. Nothing may read or write global memory before it.
__device__ inline void await_earlier_kernels() {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 900
  asm volatile("griddepcontrol.wait;" ::: "memory");
#endif
}

// The first index this thread handles and the grid stride it moves by.
__device__ inline std::size_t thread_index() { return static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x; }
__device__ inline std::size_t grid_stride() { return static_cast<std::size_t>(gridDim.x) * blockDim.x; }

// The sum of v over the 32 lanes of a warp, in every lane.
template <typename T>
__device__ inline T warp_sum(T v) {
  for (int offset = 16; offset > 0; offset /= 2) v += __shfl_xor_sync(kFullMask, v, offset);
  return v;
}

// Where a block's dynamic shared memory starts (kernels_on_host.hpp gives host threads their
// block's instead).
#ifndef TEXTCLASS_KERNELS_ON_HOST
__device__ inline unsigned char* block_shared_memory() {
  extern __shared__ __align__(128) unsigned char dynamic_shared[];
  return dynamic_shared;
}
#endif

// dst[0..3] = the bf16 roundings (to nearest, ties to even) of x's four floats; dst 8-byte aligned.
__device__ inline void store_rounded(__nv_bfloat16* dst, float4 x) {
  auto* pair = reinterpret_cast<__nv_bfloat162*>(dst);
  pair[0] = __floats2bfloat162_rn(x.x, x.y);
  pair[1] = __floats2bfloat162_rn(x.z, x.w);
}

__device__ inline float warp_max(float v) {
  for (int offset = 16; offset > 0; offset /= 2) v = fmaxf(v, __shfl_xor_sync(kFullMask, v, offset));
  return v;
}

}  // namespace textclass::backend::cuda
