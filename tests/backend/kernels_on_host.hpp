#pragma once
// Runs CUDA kernels on host threads, for kernels written to allow it (TEXTCLASS_KERNELS_ON_HOST:
// tensor_core_attention_kernels.cuh, elementwise_kernels.cuh, layernorm_kernels.cuh): each GPU
// thread of a block a host thread, __syncthreads and __syncwarp barriers, a warp shuffle (of a
// float or a double) or vote an exchange between two barriers, atomic adds, the device math they
// use, and
// WMMA's 16x16x16 products done by lane 0 alone in fp32 (lane 0 holds a fragment's values, and
// only lane 0 loads and stores them: the other lanes' fragments stay zero and are never read).
// Include before the kernels, and nowhere else: it defines threadIdx, blockIdx, blockDim and the
// intrinsics as macros.
#include <cuda_bf16.h>
#include <cuda_runtime.h>

#include <atomic>
#include <barrier>
#include <cmath>
#include <cstddef>
#include <memory>
#include <thread>
#include <type_traits>
#include <vector>

#define TEXTCLASS_KERNELS_ON_HOST 1

namespace textclass::testing::kernels_on_host {

// What the threads of one block share.
struct Block {
  Block(int threads, std::size_t shared_bytes)
      : block_barrier(threads), shared(shared_bytes + 128), exchange(static_cast<std::size_t>(threads)) {
    for (int w = 0; w < threads / 32; w++) warp_barriers.push_back(std::make_unique<std::barrier<>>(32));
  }
  unsigned char* shared_memory() {  // 128-byte aligned, as the kernels' arrays need
    const auto address = reinterpret_cast<std::uintptr_t>(shared.data());
    return shared.data() + (128 - address % 128) % 128;
  }
  std::barrier<> block_barrier;
  std::vector<std::unique_ptr<std::barrier<>>> warp_barriers;
  std::vector<unsigned char> shared;
  std::vector<double> exchange;  // a slot per thread for the shuffles (floats and doubles alike)
};

struct Thread {
  Block* block = nullptr;
  dim3 index, block_index, block_dim, grid_dim;
  int linear = 0;  // the thread's place in its block, x fastest: its warp and lane
  int lane() const { return linear % 32; }
  int warp() const { return linear / 32; }
};
inline thread_local Thread current;

inline void sync_block() { current.block->block_barrier.arrive_and_wait(); }
inline void sync_warp() { current.block->warp_barriers[current.warp()]->arrive_and_wait(); }
template <typename T>
T shuffle_xor(T value, int lane_mask) {
  double* slots = current.block->exchange.data() + 32 * current.warp();
  slots[current.lane()] = value;
  sync_warp();
  const T other = static_cast<T>(slots[current.lane() ^ lane_mask]);
  sync_warp();
  return other;
}

// Whether the predicate holds in any lane of the warp, in every lane.
inline int any(bool predicate) {
  double* slots = current.block->exchange.data() + 32 * current.warp();
  slots[current.lane()] = predicate ? 1.0 : 0.0;
  sync_warp();
  bool result = false;
  for (int lane = 0; lane < 32; lane++) result = result || slots[lane] != 0.0;
  sync_warp();
  return result;
}

// kernel() for every thread of a grid, a block at a time.
template <typename Kernel>
void launch(dim3 grid, dim3 threads, std::size_t shared_bytes, Kernel kernel) {
  const int count = static_cast<int>(threads.x * threads.y * threads.z);
  for (unsigned y = 0; y < grid.y; y++) {
    for (unsigned x = 0; x < grid.x; x++) {
      Block block(count, shared_bytes);
      std::vector<std::jthread> running;
      for (int t = 0; t < count; t++)
        running.emplace_back([&, t] {
          const unsigned u = static_cast<unsigned>(t);
          const dim3 index(u % threads.x, u / threads.x % threads.y, u / (threads.x * threads.y));
          current = Thread{&block, index, dim3(x, y), threads, grid, t};
          kernel();
        });
    }
  }
}
template <typename Kernel>
void launch(dim3 grid, int threads, std::size_t shared_bytes, Kernel kernel) {
  launch(grid, dim3(static_cast<unsigned>(threads)), shared_bytes, kernel);
}

}  // namespace textclass::testing::kernels_on_host

#define threadIdx (::textclass::testing::kernels_on_host::current.index)
#define blockIdx (::textclass::testing::kernels_on_host::current.block_index)
#define blockDim (::textclass::testing::kernels_on_host::current.block_dim)
#define gridDim (::textclass::testing::kernels_on_host::current.grid_dim)
#ifndef __launch_bounds__
#define __launch_bounds__(...)
#endif
#define __syncthreads() ::textclass::testing::kernels_on_host::sync_block()
#define __syncwarp() ::textclass::testing::kernels_on_host::sync_warp()
#define __shfl_xor_sync(mask, value, lane_mask) ::textclass::testing::kernels_on_host::shuffle_xor(value, lane_mask)
#define __any_sync(mask, predicate) ::textclass::testing::kernels_on_host::any(predicate)

namespace textclass::backend::cuda {
// launch.cuh's, for the kernels: where the running thread's block's shared memory starts.
inline unsigned char* block_shared_memory() { return testing::kernels_on_host::current.block->shared_memory(); }
}  // namespace textclass::backend::cuda

// atomicAdd on a float of shared or global memory, as host threads do it.
inline float atomicAdd(float* address, float value) { return std::atomic_ref<float>(*address).fetch_add(value); }

// The device math the kernels use that the host's <cmath> lacks, with the same results up to the
// last bits (the tests allow for that).
inline float normcdff(float x) { return 0.5f * std::erfc(-x / std::sqrt(2.0f)); }
// The product rounded to a float, as the device intrinsic promises: a plain a * b, once inlined,
// may be fused with the add after it where the compiler may use FMA (-march=x86-64-v3).
inline float __fmul_rn(float a, float b) {
  volatile float product = a * b;
  return product;
}

// WMMA's 16x16x16 fragments and operations (nvcuda::wmma, mma.h) as lane 0 does them.
namespace nvcuda::wmma {
struct matrix_a {};
struct matrix_b {};
struct accumulator {};
struct row_major {};
struct col_major {};
enum layout_t { mem_row_major, mem_col_major };

template <typename Use, int M, int N, int K, typename T, typename Layout = void>
struct fragment {
  float x[M * N] = {};  // element (r, c) at x[16 r + c]
};

inline bool lane_zero() { return ::textclass::testing::kernels_on_host::current.lane() == 0; }

template <typename Use, typename T, typename Layout>
void load_matrix_sync(fragment<Use, 16, 16, 16, T, Layout>& f, const T* p, unsigned ld) {
  if (!lane_zero()) return;
  for (unsigned r = 0; r < 16; r++)
    for (unsigned c = 0; c < 16; c++)
      f.x[16 * r + c] = __bfloat162float(std::is_same_v<Layout, row_major> ? p[r * ld + c] : p[c * ld + r]);
}

inline void load_matrix_sync(fragment<accumulator, 16, 16, 16, float>& f, const float* p, unsigned ld, layout_t) {
  if (!lane_zero()) return;
  for (unsigned r = 0; r < 16; r++)
    for (unsigned c = 0; c < 16; c++) f.x[16 * r + c] = p[r * ld + c];
}

inline void store_matrix_sync(float* p, const fragment<accumulator, 16, 16, 16, float>& f, unsigned ld, layout_t) {
  if (!lane_zero()) return;
  for (unsigned r = 0; r < 16; r++)
    for (unsigned c = 0; c < 16; c++) p[r * ld + c] = f.x[16 * r + c];
}

template <typename LayoutA, typename LayoutB>
void mma_sync(fragment<accumulator, 16, 16, 16, float>& d, const fragment<matrix_a, 16, 16, 16, __nv_bfloat16, LayoutA>& a,
              const fragment<matrix_b, 16, 16, 16, __nv_bfloat16, LayoutB>& b,
              const fragment<accumulator, 16, 16, 16, float>& c) {
  if (!lane_zero()) return;
  fragment<accumulator, 16, 16, 16, float> sum;
  for (int r = 0; r < 16; r++)
    for (int n = 0; n < 16; n++) {
      float s = c.x[16 * r + n];
      for (int k = 0; k < 16; k++) s += a.x[16 * r + k] * b.x[16 * k + n];
      sum.x[16 * r + n] = s;
    }
  d = sum;
}

inline void fill_fragment(fragment<accumulator, 16, 16, 16, float>& f, float value) {
  for (float& x : f.x) x = value;
}
}  // namespace nvcuda::wmma
