#pragma once
// The kernels of the optimizer's ops (optimizer.cu launches them): the sum of squares behind the
// global gradient norm, and AdamW. A header so that a test can also run them on host threads
// (tests/backend/elementwise_kernels_test.cpp with kernels_on_host.hpp).
#include <cuda_bf16.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "textclass/backend/adamw_math.hpp"
#include "textclass/backend/backend.hpp"  // ParameterSpan
#include "textclass/backend/cuda/launch.cuh"

namespace textclass::backend::cuda::optimizer {

// optimizer.cu's kernels are bound by memory bandwidth, which needs many loads in flight: each
// thread issues kUnroll independent loads (a grid stride apart) before it uses any of them.
constexpr int kUnroll = 4;

// Up to kSpansPerLaunch spans of one AdamW step, passed by value to the kernel: each thread finds
// its element's span by a short scan (elements in no span keep their values), so the whole model
// steps in one launch instead of one per span.
constexpr int kSpansPerLaunch = 8;
struct SpanTable {
  int count = 0;
  std::size_t begin[kSpansPerLaunch];
  std::size_t end[kSpansPerLaunch];
  AdamWScalars scalars[kSpansPerLaunch];
  std::size_t first = SIZE_MAX, last = 0;  // the floats from the first span's start to the last one's end
};

// The table of spans[from, from + kSpansPerLaunch) that have floats, with their step's scalars.
inline SpanTable span_table(const std::vector<ParameterSpan>& spans, std::size_t from, double lr, double beta1,
                            double beta2, double eps, float grad_scale, int step) {
  SpanTable table;
  for (std::size_t s = from; s < std::min(spans.size(), from + kSpansPerLaunch); s++) {
    if (spans[s].count == 0) continue;
    table.begin[table.count] = spans[s].offset;
    table.end[table.count] = spans[s].offset + spans[s].count;
    table.scalars[table.count] = adamw_scalars(lr, beta1, beta2, eps, spans[s].weight_decay, grad_scale, step);
    table.first = std::min(table.first, table.begin[table.count]);
    table.last = std::max(table.last, table.end[table.count]);
    table.count++;
  }
  return table;
}

// W floats at src into dst (a float4 when W is 4: src 16-byte aligned), and back.
template <int W>
__device__ inline void load_group(float (&dst)[W], const float* src) {
  if constexpr (W == 4) {
    const float4 x = *reinterpret_cast<const float4*>(src);
    dst[0] = x.x, dst[1] = x.y, dst[2] = x.z, dst[3] = x.w;
  } else {
    for (int k = 0; k < W; k++) dst[k] = src[k];
  }
}
template <int W>
__device__ inline void store_group(float* dst, const float (&src)[W], __nv_bfloat16* rounded = nullptr) {
  if constexpr (W == 4) {
    const float4 x = make_float4(src[0], src[1], src[2], src[3]);
    *reinterpret_cast<float4*>(dst) = x;
    if (rounded != nullptr) store_rounded(rounded, x);
  } else {
    for (int k = 0; k < W; k++) {
      dst[k] = src[k];
      if (rounded != nullptr) rounded[k] = __float2bfloat16_rn(src[k]);
    }
  }
}

// partials[blockIdx.x] = the sum of every thread's `sum` in the block (the warps' sums meet in
// kSumSquaresSharedBytes of dynamic shared memory), in a fixed order.
constexpr std::size_t kSumSquaresSharedBytes = kBlock / 32 * sizeof(double);
__device__ inline void store_block_sum(double* partials, double sum) {
  auto* warp_sums = reinterpret_cast<double*>(block_shared_memory());
  sum = warp_sum(sum);
  if (threadIdx.x % 32 == 0) warp_sums[threadIdx.x / 32] = sum;
  __syncthreads();
  if (threadIdx.x == 0) {
    double block = 0.0;
    for (int w = 0; w < static_cast<int>(blockDim.x) / 32; w++) block += warp_sums[w];
    partials[blockIdx.x] = block;
  }
}

// Block sums of x² in double, one partial a block (the launch gives kSumSquaresBlocks blocks of
// kBlock threads), each from a fixed set of elements, so the
// total does not depend on timing (unlike atomics): groups of W floats (a float4 when W is 4, x
// 16-byte aligned), then the floats after the last whole group one at a time.
template <int W>
__global__ void sum_squares_partial_kernel(double* partials, const float* x, std::size_t n) {
  await_earlier_kernels();
  const std::size_t stride = grid_stride(), groups = n / W;
  double sum = 0.0;
  for (std::size_t base = thread_index(); base < groups; base += kUnroll * stride) {
    float value[kUnroll][W];
TEXTCLASS_UNROLL
    for (int u = 0; u < kUnroll; u++) {
      if (base + u * stride < groups) load_group<W>(value[u], x + (base + u * stride) * W);
      else for (int k = 0; k < W; k++) value[u][k] = 0.0f;
    }
TEXTCLASS_UNROLL
    for (int u = 0; u < kUnroll; u++)
      for (int k = 0; k < W; k++) sum += static_cast<double>(value[u][k]) * value[u][k];
  }
  for (std::size_t i = groups * W + thread_index(); i < n; i += stride) sum += static_cast<double>(x[i]) * x[i];
  store_block_sum(partials, sum);
}

// *result = Σ partials[0 .. count), one warp, in a fixed order. (A template only so that the files
// that include this header may each define it.)
template <int = 0>
__global__ void sum_partials_kernel(double* result, const double* partials, int count) {
  await_earlier_kernels();
  double sum = 0.0;
  for (int i = threadIdx.x; i < count; i += 32) sum += partials[i];
  sum = warp_sum(sum);
  if (threadIdx.x == 0) *result = sum;
}

// torch.optim.AdamW's single-tensor arithmetic, the same function as the CPU backend's, over
// floats [spans.first, spans.last) of the parameter layout; each updated parameter's bf16 rounding
// also into params_bf16, when given. A thread takes groups of W floats (W = 4: float4 loads and
// stores, every array 16-byte aligned, params_bf16 8-byte); a group wholly inside [first, last) is
// loaded and stored whole, its floats in no span stored as they were loaded, and the partial groups
// at the two ends float by float.
template <int W>
__global__ void adamw_kernel(float* params, const float* grads, float* m, float* v, __nv_bfloat16* params_bf16,
                             SpanTable spans) {
  await_earlier_kernels();
  const std::size_t first = spans.first, last = spans.last;
  const std::size_t stride = grid_stride(), group0 = first / W, groups = (last + W - 1) / W - group0;
  for (std::size_t base = thread_index(); base < groups; base += kUnroll * stride) {
    float p[kUnroll][W], g[kUnroll][W], mu[kUnroll][W], nu[kUnroll][W];
TEXTCLASS_UNROLL
    for (int u = 0; u < kUnroll; u++) {
      const std::size_t e = (group0 + base + u * stride) * W;
      if (base + u * stride >= groups) continue;
      if (e >= first && e + W <= last) {
        load_group<W>(p[u], params + e);
        load_group<W>(g[u], grads + e);
        load_group<W>(mu[u], m + e);
        load_group<W>(nu[u], v + e);
        continue;
      }
TEXTCLASS_UNROLL
      for (int k = 0; k < W; k++)
        if (e + k >= first && e + k < last) {
          p[u][k] = params[e + k];
          g[u][k] = grads[e + k];
          mu[u][k] = m[e + k];
          nu[u][k] = v[e + k];
        }
    }
TEXTCLASS_UNROLL
    for (int u = 0; u < kUnroll; u++) {
      const std::size_t e = (group0 + base + u * stride) * W;
      if (base + u * stride >= groups) continue;
      const bool whole = e >= first && e + W <= last;
TEXTCLASS_UNROLL
      for (int k = 0; k < W; k++) {
        const std::size_t i = e + k;
        if (i < first || i >= last) continue;
        for (int s = 0; s < spans.count; s++) {
          if (i < spans.begin[s] || i >= spans.end[s]) continue;
          adamw_element(p[u][k], g[u][k], mu[u][k], nu[u][k], spans.scalars[s]);
          if (!whole) {
            params[i] = p[u][k];
            if (params_bf16 != nullptr) params_bf16[i] = __float2bfloat16_rn(p[u][k]);
            m[i] = mu[u][k];
            v[i] = nu[u][k];
          }
          break;
        }
      }
      if (!whole) continue;
      store_group<W>(params + e, p[u], params_bf16 == nullptr ? nullptr : params_bf16 + e);
      store_group<W>(m + e, mu[u]);
      store_group<W>(v + e, nu[u]);
    }
  }
}

}  // namespace textclass::backend::cuda::optimizer
