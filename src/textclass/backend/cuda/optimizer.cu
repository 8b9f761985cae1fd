// The optimizer's ops: the sum of squares behind the global gradient norm, and AdamW.
#include <cuda_bf16.h>

#include <algorithm>
#include <cstdint>

#include "textclass/backend/adamw_math.hpp"
#include "textclass/backend/cuda/cuda_check.cuh"
#include "textclass/backend/cuda/kernels.cuh"
#include "textclass/backend/cuda/launch.cuh"

namespace textclass::backend::cuda {
namespace {

// Both kernels below are bound by memory bandwidth, which needs many loads in flight: each thread
// issues kUnroll independent loads (a grid stride apart) before it uses any of them.
constexpr int kUnroll = 4;

// Block sums of x² in double: kSumSquaresBlocks partials, each from a fixed set of elements, so the
// total does not depend on timing (unlike atomics).
__global__ void sum_squares_partial_kernel(double* partials, const float* x, std::size_t n) {
  __shared__ double warp_sums[kBlock / 32];
  const std::size_t stride = grid_stride();
  double sum = 0.0;
  for (std::size_t base = thread_index(); base < n; base += kUnroll * stride) {
    float value[kUnroll];
#pragma unroll
    for (int u = 0; u < kUnroll; u++) value[u] = base + u * stride < n ? x[base + u * stride] : 0.0f;
#pragma unroll
    for (int u = 0; u < kUnroll; u++) sum += static_cast<double>(value[u]) * value[u];
  }
  sum = warp_sum(sum);
  if (threadIdx.x % 32 == 0) warp_sums[threadIdx.x / 32] = sum;
  __syncthreads();
  if (threadIdx.x == 0) {
    double block = 0.0;
    for (int w = 0; w < kBlock / 32; w++) block += warp_sums[w];
    partials[blockIdx.x] = block;
  }
}

// *result = Σ partials, one warp, in a fixed order.
__global__ void sum_partials_kernel(double* result, const double* partials, int count) {
  double sum = 0.0;
  for (int i = threadIdx.x; i < count; i += 32) sum += partials[i];
  sum = warp_sum(sum);
  if (threadIdx.x == 0) *result = sum;
}

// Up to kSpansPerLaunch spans of one AdamW step, passed by value to the kernel: each thread finds
// its element's span by a short scan (elements in no span are left alone), so the whole model
// steps in one launch instead of one per span.
constexpr int kSpansPerLaunch = 8;
struct SpanTable {
  int count = 0;
  std::size_t begin[kSpansPerLaunch];
  std::size_t end[kSpansPerLaunch];
  AdamWScalars scalars[kSpansPerLaunch];
};

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

// torch.optim.AdamW's single-tensor arithmetic, the same function as the CPU backend's, over
// floats [first, last) of the parameter layout; each updated parameter's bf16 rounding also into
// params_bf16, when given. A thread takes groups of W floats (W = 4: float4 loads and stores, every
// array 16-byte aligned, params_bf16 8-byte); a group wholly inside [first, last) is loaded and
// stored whole, its floats in no span stored as they were loaded, and the partial groups at the two
// ends float by float.
template <int W>
__global__ void adamw_kernel(float* params, const float* grads, float* m, float* v, __nv_bfloat16* params_bf16,
                             std::size_t first, std::size_t last, SpanTable spans) {
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

template <int W>
void launch_adamw(cudaStream_t stream, float* params, const float* grads, float* m, float* v,
                  __nv_bfloat16* params_bf16, std::size_t first, std::size_t last, const SpanTable& table) {
  const std::size_t groups = (last + W - 1) / W - first / W;
  adamw_kernel<W><<<blocks_for((groups + kUnroll - 1) / kUnroll), kBlock, 0, stream>>>(params, grads, m, v,
                                                                                      params_bf16, first, last, table);
}

}  // namespace

void sum_squares(cudaStream_t stream, double* result, double* partials, const float* x, std::size_t n) {
  sum_squares_partial_kernel<<<kSumSquaresBlocks, kBlock, 0, stream>>>(partials, x, n);
  check_launch("sum_squares");
  sum_partials_kernel<<<1, 32, 0, stream>>>(result, partials, kSumSquaresBlocks);
  check_launch("sum_squares (total)");
}

void adamw_update(cudaStream_t stream, float* params, const float* grads, float* m, float* v,
                  __nv_bfloat16* params_bf16, const std::vector<ParameterSpan>& spans, double lr, double beta1,
                  double beta2, double eps, float grad_scale, int step) {
  for (std::size_t group = 0; group < spans.size(); group += kSpansPerLaunch) {
    SpanTable table;
    std::size_t first = SIZE_MAX, last = 0;
    for (std::size_t s = group; s < std::min(spans.size(), group + kSpansPerLaunch); s++) {
      if (spans[s].count == 0) continue;
      table.begin[table.count] = spans[s].offset;
      table.end[table.count] = spans[s].offset + spans[s].count;
      table.scalars[table.count] = adamw_scalars(lr, beta1, beta2, eps, spans[s].weight_decay, grad_scale, step);
      first = std::min(first, table.begin[table.count]);
      last = std::max(last, table.end[table.count]);
      table.count++;
    }
    if (table.count == 0) continue;
    // four floats a load where every array allows it (Backend::alloc's do; train::AdamW aligns v too)
    if (aligned(params, 16) && aligned(grads, 16) && aligned(m, 16) && aligned(v, 16) &&
        (params_bf16 == nullptr || aligned(params_bf16, 8)))
      launch_adamw<4>(stream, params, grads, m, v, params_bf16, first, last, table);
    else
      launch_adamw<1>(stream, params, grads, m, v, params_bf16, first, last, table);
    check_launch("adamw_update");
  }
}

}  // namespace textclass::backend::cuda
