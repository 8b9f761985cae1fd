// The optimizer's ops: the sum of squares behind the global gradient norm, and AdamW.
#include <cuda_bf16.h>

#include <cstdint>

#include "textclass/backend/adamw_math.hpp"
#include "textclass/backend/cuda/cuda_check.cuh"
#include "textclass/backend/cuda/kernel_launch.cuh"
#include "textclass/backend/cuda/kernels.cuh"
#include "textclass/backend/cuda/launch.cuh"
#include "textclass/backend/cuda/optimizer_kernels.cuh"

namespace textclass::backend::cuda {
namespace {

using optimizer::kUnroll;
using optimizer::SpanTable;
using optimizer::kSpansPerLaunch;

template <int W>
void launch_adamw(cudaStream_t stream, float* params, const float* grads, float* m, float* v,
                  __nv_bfloat16* params_bf16, const SpanTable& table) {
  const std::size_t groups = (table.last + W - 1) / W - table.first / W;
  launch(optimizer::adamw_kernel<W>, Grid(blocks_for((groups + kUnroll - 1) / kUnroll), kBlock, 0, stream), params,
         grads, m, v, params_bf16, table);
}

}  // namespace

void sum_squares(cudaStream_t stream, double* result, double* partials, const float* x, std::size_t n) {
  // four floats a load where x allows it (global_grad_norm's spans may start anywhere)
  const Grid grid(kSumSquaresBlocks, kBlock, optimizer::kSumSquaresSharedBytes, stream);
  if (aligned(x, 16))
    launch(optimizer::sum_squares_partial_kernel<4>, grid, partials, x, n);
  else
    launch(optimizer::sum_squares_partial_kernel<1>, grid, partials, x, n);
  check_launch("sum_squares");
  launch(optimizer::sum_partials_kernel<>, Grid(1, 32, 0, stream), result, partials, kSumSquaresBlocks);
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
