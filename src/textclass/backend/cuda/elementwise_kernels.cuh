#pragma once
// The element-wise ops' kernel (elementwise.cu launches it): out[i] = f(i, a[i], b[i]), four floats
// at a time (a float4 load or store per tensor) where every tensor is 16-byte aligned, since at one
// float a thread too few bytes are in flight to reach an H200's memory bandwidth; and out's bf16
// rounding too where `rounded` is not null (fused rounding: GELU's forward pass and dropout). The
// functors are the ops' math, as backend.hpp gives it.
//
// A header so that a test can also run it on host threads (tests/backend/elementwise_kernels_test.cpp
// with kernels_on_host.hpp).
#include <cuda_bf16.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "textclass/backend/backend.hpp"  // dropout_uniform
#include "textclass/backend/cuda/launch.cuh"

namespace textclass::backend::cuda::elementwise {

constexpr float kInvSqrt2Pi = 0.3989422804014327f;

// out[i] = f(i, a[i], b[i]) for i < n, and its bf16 rounding in rounded[i] unless rounded is null;
// a missing input (null) reads as 0. F is a functor.
template <typename F>
struct Map {
  float* out;
  __nv_bfloat16* rounded;
  const float *a, *b;
  F f;

  __device__ void one(const F& g, std::size_t i) const {
    const float y = g(i, a != nullptr ? a[i] : 0.0f, b != nullptr ? b[i] : 0.0f);
    out[i] = y;
    if (rounded != nullptr) rounded[i] = __float2bfloat16_rn(y);
  }
  // elements i.. i+3, i a multiple of 4
  __device__ void four(const F& g, std::size_t i) const {
    const float4 zero = make_float4(0.0f, 0.0f, 0.0f, 0.0f);
    const float4 x = a != nullptr ? *reinterpret_cast<const float4*>(a + i) : zero;
    const float4 y = b != nullptr ? *reinterpret_cast<const float4*>(b + i) : zero;
    const float4 r = make_float4(g(i, x.x, y.x), g(i + 1, x.y, y.y), g(i + 2, x.z, y.z), g(i + 3, x.w, y.w));
    *reinterpret_cast<float4*>(out + i) = r;
    if (rounded != nullptr) store_rounded(rounded + i, r);
  }
};

// Whether map's tensors are aligned for Map::four (16 bytes; 8 for the bf16 rounding).
template <typename F>
bool aligned_for_quads(const Map<F>& map) {
  return aligned(map.out, 16) && aligned(map.a, 16) && aligned(map.b, 16) && aligned(map.rounded, 8);
}

// quads: aligned_for_quads(map). Then thread t of the grid takes quads t, t + stride, ... and,
// after the last whole quad, element n/4·4 + t, ...; else elements t, t + stride, ...
template <typename F>
__global__ void map_kernel(Map<F> map, std::size_t n, bool quads) {
  await_earlier_kernels();
  const F& f = map.f;
  const std::size_t first_single = quads ? n / 4 * 4 : 0;
  for (std::size_t q = thread_index(); 4 * q < first_single; q += grid_stride()) map.four(f, 4 * q);
  for (std::size_t i = first_single + thread_index(); i < n; i += grid_stride()) map.one(f, i);
}

struct Constant {
  float value;
  __device__ float operator()(std::size_t, float, float) const { return value; }
};

// gelu(x) = x Φ(x); normcdff computes Φ without the cancellation of 1 + erf(x/√2) for negative x
struct Gelu {
  __device__ float operator()(std::size_t, float x, float) const { return x * normcdff(x); }
};

// d gelu / dx = Φ(x) + x φ(x), times dout
struct GeluBackward {
  __device__ float operator()(std::size_t, float x, float dout) const {
    const float pdf = kInvSqrt2Pi * expf(-0.5f * x * x);
    return dout * (normcdff(x) + x * pdf);
  }
};

struct Tanh {
  __device__ float operator()(std::size_t, float x, float) const { return tanhf(x); }
};

// from the saved output y: dout (1 - y²)
struct TanhBackward {
  __device__ float operator()(std::size_t, float y, float dout) const { return dout * (1.0f - y * y); }
};

struct Relu {
  __device__ float operator()(std::size_t, float x, float) const { return x > 0.0f ? x : 0.0f; }
};

// from the saved output y: dout where y > 0 (torch's: 0 at x = 0)
struct ReluBackward {
  __device__ float operator()(std::size_t, float y, float dout) const { return y > 0.0f ? dout : 0.0f; }
};

struct Sum {
  __device__ float operator()(std::size_t, float x, float y) const { return x + y; }
};

// x · keep / (1-p), keep drawn from (seed, i)
struct Dropout {
  float p, keep_scale;
  uint64_t seed;
  __device__ float operator()(std::size_t i, float x, float) const {
    return p == 0.0f || dropout_uniform(seed, i) >= p ? x * keep_scale : 0.0f;
  }
};

// x itself: the column sums of a tensor (column_sums_kernel), as a linear layer's bias gradient
struct First {
  __device__ float operator()(std::size_t, float x, float) const { return x; }
};

// A map over the rows of [N, C] tensors (element i = n·C + c) that also adds each column's sum of
// its outputs into sums[C]: a linear layer's bias gradient from its output gradient (F = First, no
// out: only the sums and the bf16 rounding), or through GELU's backward pass. blockIdx.x picks
// kSumColumns columns, blockIdx.y a slice of the rows (column_sums_grid); a block's kSumRowGroups
// partial sums per column meet in shared memory, then one atomic add per column. A thread loads
// kSumRowsAtOnce rows before it stores anything, since a load after a store may not be moved before
// it: a row at a time, ncu measured 6-10 us a bias gradient on an H200 at batch 16, at a tenth to a
// quarter of the memory's bandwidth (bench/RESULTS.md). out may be a or b (each element is read,
// then written, by one thread).
constexpr int kSumColumns = 32, kSumRowGroups = 8, kSumRowsAtOnce = 4;
template <typename F>
__global__ void column_sums_kernel(Map<F> map, float* sums, int N, int C) {
  await_earlier_kernels();
  // [kSumRowGroups][kSumColumns + 1] of dynamic shared memory (column_sums_shared_bytes)
  auto* partial = reinterpret_cast<float(*)[kSumColumns + 1]>(block_shared_memory());
  const F& f = map.f;
  const int c = blockIdx.x * kSumColumns + threadIdx.x;
  const int stride = gridDim.y * kSumRowGroups;
  float sum = 0.0f;
  if (c < C)
    for (int n0 = blockIdx.y * kSumRowGroups + threadIdx.y; n0 < N; n0 += kSumRowsAtOnce * stride) {
      float a[kSumRowsAtOnce], b[kSumRowsAtOnce];
TEXTCLASS_UNROLL
      for (int r = 0; r < kSumRowsAtOnce; r++) {
        const int n = n0 + r * stride;
        const std::size_t i = static_cast<std::size_t>(n) * C + c;
        a[r] = n < N && map.a != nullptr ? map.a[i] : 0.0f;
        b[r] = n < N && map.b != nullptr ? map.b[i] : 0.0f;
      }
TEXTCLASS_UNROLL
      for (int r = 0; r < kSumRowsAtOnce; r++) {
        const int n = n0 + r * stride;
        if (n >= N) continue;
        const std::size_t i = static_cast<std::size_t>(n) * C + c;
        const float y = f(i, a[r], b[r]);
        sum += y;
        if (map.out != nullptr) map.out[i] = y;
        if (map.rounded != nullptr) map.rounded[i] = __float2bfloat16_rn(y);
      }
    }
  partial[threadIdx.y][threadIdx.x] = sum;
  __syncthreads();
  if (threadIdx.y == 0 && c < C) {
    for (int y = 1; y < kSumRowGroups; y++) sum += partial[y][threadIdx.x];
    atomicAdd(&sums[c], sum);
  }
}

// column_sums_kernel's threads, dynamic shared memory and blocks: a thread's rows loaded at once, in
// as many row slices as give each thread one such group (at most 32).
inline dim3 column_sums_threads() { return dim3(kSumColumns, kSumRowGroups); }
constexpr std::size_t column_sums_shared_bytes = kSumRowGroups * (kSumColumns + 1) * sizeof(float);
inline dim3 column_sums_grid(int N, int C) {
  const int slices = (N + kSumRowGroups * kSumRowsAtOnce - 1) / (kSumRowGroups * kSumRowsAtOnce);
  return dim3((C + kSumColumns - 1) / kSumColumns, slices < 1 ? 1 : slices > 32 ? 32 : slices);
}

// The index lists for gather_rows between the padded layout [B, T] and the model's packed rows of
// tokens, where batch row b's tokens are rows starts[b] .. starts[b+1]-1 (a prefix of its T
// positions) and rows starts[B] .. M-1 are no token's:
//   to_rows[b·T + t]   = starts[b] + t  for t < starts[b+1] - starts[b], else -1 (padding)
//   to_padded[r]       = the padded row of token r, -1 for r >= starts[B]
// Each token's two entries come from one thread; a grid-stride loop over max(B·T, M). (A template
// only so that the files that include this header may each define it.)
template <int = 0>
__global__ void padded_rows_kernel(int32_t* to_rows, int32_t* to_padded, const int32_t* starts, int B, int T, int M) {
  await_earlier_kernels();
  const std::size_t padded = static_cast<std::size_t>(B) * T, count = std::max(padded, static_cast<std::size_t>(M));
  for (std::size_t i = thread_index(); i < count; i += grid_stride()) {
    if (i >= static_cast<std::size_t>(starts[B]) && i < static_cast<std::size_t>(M)) to_padded[i] = -1;
    if (i >= padded) continue;
    const int b = static_cast<int>(i / T), t = static_cast<int>(i % T), row = starts[b] + t;
    const bool token = row < starts[b + 1];
    to_rows[i] = token ? row : -1;
    if (token) to_padded[row] = static_cast<int32_t>(i);
  }
}

}  // namespace textclass::backend::cuda::elementwise
