// The optimizer's ops: the sum of squares behind the global gradient norm, and AdamW.
#include <cuda_bf16.h>

#include <algorithm>
#include <cstdint>

#include "textclass/backend/adamw_math.hpp"
#include "textclass/backend/cuda/cuda_check.cuh"
#include "textclass/backend/cuda/kernels.cuh"
#include "textclass/backend/cuda/launch.cuh"
#include "textclass/backend/cuda/optimizer_kernels.cuh"

namespace textclass::backend::cuda {
namespace {

using optimizer::kUnroll;
using optimizer::SpanTable;
using optimizer::kSpansPerLaunch;

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

template <int W>
void launch_adamw(cudaStream_t stream, float* params, const float* grads, float* m, float* v,
                  __nv_bfloat16* params_bf16, const SpanTable& table) {
  const std::size_t groups = (table.last + W - 1) / W - table.first / W;
  optimizer::adamw_kernel<W><<<blocks_for((groups + kUnroll - 1) / kUnroll), kBlock, 0, stream>>>(
      params, grads, m, v, params_bf16, table);
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
  for (std::size_t from = 0; from < spans.size(); from += kSpansPerLaunch) {
    const SpanTable table = optimizer::span_table(spans, from, lr, beta1, beta2, eps, grad_scale, step);
    if (table.count == 0) continue;
    // four floats a load where every array allows it (Backend::alloc's do; train::AdamW aligns v too)
    if (aligned(params, 16) && aligned(grads, 16) && aligned(m, 16) && aligned(v, 16) &&
        (params_bf16 == nullptr || aligned(params_bf16, 8)))
      launch_adamw<4>(stream, params, grads, m, v, params_bf16, table);
    else
      launch_adamw<1>(stream, params, grads, m, v, params_bf16, table);
    check_launch("adamw_update");
  }
}

}  // namespace textclass::backend::cuda
