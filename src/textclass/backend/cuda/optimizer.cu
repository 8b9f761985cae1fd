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

// torch.optim.AdamW's single-tensor arithmetic, the same function as the CPU backend's, over
// floats [first, first + n) of the parameter layout; each updated parameter's bf16 rounding also
// into params_bf16, when given.
__global__ void adamw_kernel(float* params, const float* grads, float* m, float* v, __nv_bfloat16* params_bf16,
                             std::size_t first, std::size_t n, SpanTable spans) {
  const std::size_t stride = grid_stride();
  for (std::size_t base = thread_index(); base < n; base += kUnroll * stride) {
    float p[kUnroll], g[kUnroll], mu[kUnroll], nu[kUnroll];
#pragma unroll
    for (int u = 0; u < kUnroll; u++) {
      const std::size_t e = first + base + u * stride;
      if (base + u * stride < n) {
        p[u] = params[e];
        g[u] = grads[e];
        mu[u] = m[e];
        nu[u] = v[e];
      }
    }
#pragma unroll
    for (int u = 0; u < kUnroll; u++) {
      const std::size_t e = first + base + u * stride;
      if (base + u * stride >= n) continue;
      for (int s = 0; s < spans.count; s++) {
        if (e >= spans.begin[s] && e < spans.end[s]) {
          adamw_element(p[u], g[u], mu[u], nu[u], spans.scalars[s]);
          params[e] = p[u];
          if (params_bf16 != nullptr) params_bf16[e] = __float2bfloat16_rn(p[u]);
          m[e] = mu[u];
          v[e] = nu[u];
          break;
        }
      }
    }
  }
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
    adamw_kernel<<<blocks_for((last - first + kUnroll - 1) / kUnroll), kBlock, 0, stream>>>(
        params, grads, m, v, params_bf16, first, last - first, table);
    check_launch("adamw_update");
  }
}

}  // namespace textclass::backend::cuda
