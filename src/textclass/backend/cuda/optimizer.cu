// The optimizer's ops: the sum of squares behind the global gradient norm, and AdamW.
#include "textclass/backend/adamw_math.hpp"
#include "textclass/backend/cuda/cuda_check.cuh"
#include "textclass/backend/cuda/kernels.cuh"
#include "textclass/backend/cuda/launch.cuh"

namespace textclass::backend::cuda {
namespace {

// Block sums of x² in double: kSumSquaresBlocks partials, each from a fixed set of elements, so the
// total does not depend on timing (unlike atomics).
__global__ void sum_squares_partial_kernel(double* partials, const float* x, std::size_t n) {
  __shared__ double warp_sums[kBlock / 32];
  double sum = 0.0;
  for (std::size_t i = thread_index(); i < n; i += grid_stride()) sum += static_cast<double>(x[i]) * x[i];
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

// torch.optim.AdamW's single-tensor arithmetic, the same function as the CPU backend's.
__global__ void adamw_kernel(float* params, const float* grads, float* m, float* v, std::size_t n,
                             AdamWScalars scalars) {
  for (std::size_t i = thread_index(); i < n; i += grid_stride()) adamw_element(params[i], grads[i], m[i], v[i], scalars);
}

}  // namespace

void sum_squares(cudaStream_t stream, double* result, double* partials, const float* x, std::size_t n) {
  sum_squares_partial_kernel<<<kSumSquaresBlocks, kBlock, 0, stream>>>(partials, x, n);
  check_launch("sum_squares");
  sum_partials_kernel<<<1, 32, 0, stream>>>(result, partials, kSumSquaresBlocks);
  check_launch("sum_squares (total)");
}

void adamw_update(cudaStream_t stream, float* params, const float* grads, float* m, float* v, std::size_t n,
                  double lr, double beta1, double beta2, double eps, double weight_decay, float grad_scale, int step) {
  if (n == 0) return;
  const AdamWScalars scalars = adamw_scalars(lr, beta1, beta2, eps, weight_decay, grad_scale, step);
  adamw_kernel<<<blocks_for(n), kBlock, 0, stream>>>(params, grads, m, v, n, scalars);
  check_launch("adamw_update");
}

}  // namespace textclass::backend::cuda
