// Linear layers: the products as gemm_call.hpp writes them for cuBLASLt (bias in its epilogue),
// and dbias[OC] += Σ_n dout[n], a column sum, by bias_backward_kernel; with fused rounding the same
// pass over dout writes its bf16 rounding for the two products of the backward pass.
#include <cuda_bf16.h>

#include <algorithm>

#include "textclass/backend/cuda/cuda_check.cuh"
#include "textclass/backend/cuda/kernels.cuh"

namespace textclass::backend::cuda {
namespace {

constexpr int kColumns = 32, kRowGroups = 8;  // a block sums 32 columns with 8 threads per column

// dbias[oc] += Σ_n dout[n, oc]: blockIdx.x picks 32 columns, blockIdx.y a slice of the rows; the
// block's 8 partial sums per column meet in shared memory, then one atomic add per column. And,
// unless `rounded` is null, rounded[n, oc] = dout[n, oc] rounded to bf16.
__global__ void bias_backward_kernel(float* dbias, __nv_bfloat16* rounded, const float* dout, int N, int OC) {
  __shared__ float partial[kRowGroups][kColumns + 1];
  const int oc = blockIdx.x * kColumns + threadIdx.x;
  float sum = 0.0f;
  if (oc < OC)
    for (int n = blockIdx.y * kRowGroups + threadIdx.y; n < N; n += gridDim.y * kRowGroups) {
      const std::size_t i = static_cast<std::size_t>(n) * OC + oc;
      sum += dout[i];
      if (rounded != nullptr) rounded[i] = __float2bfloat16_rn(dout[i]);
    }
  partial[threadIdx.y][threadIdx.x] = sum;
  __syncthreads();
  if (threadIdx.y == 0 && oc < OC) {
    for (int y = 1; y < kRowGroups; y++) sum += partial[y][threadIdx.x];
    atomicAdd(&dbias[oc], sum);
  }
}

}  // namespace

void matmul_forward(Gemm& gemm, float* out, const float* inp, const float* weight, const float* bias, int N, int C,
                    int OC) {
  gemm.run(linear_forward(out, inp, weight, bias, N, C, OC));
}

void matmul_backward(Gemm& gemm, cudaStream_t stream, float* dinp, float* dweight, float* dbias, const float* dout,
                     const float* inp, const float* weight, int N, int C, int OC) {
  if (dbias != nullptr && N > 0) {
    // (the products below find this rounding of dout, when there is one, instead of making theirs)
    __nv_bfloat16* rounded = gemm.rounding_for(dout, static_cast<std::size_t>(N) * OC);
    const dim3 threads(kColumns, kRowGroups);
    const dim3 blocks((OC + kColumns - 1) / kColumns, std::min(32, (N + 63) / 64));
    bias_backward_kernel<<<blocks, threads, 0, stream>>>(dbias, rounded, dout, N, OC);
    check_launch("matmul_backward (bias)");
  }
  if (dinp != nullptr) gemm.run(linear_input_gradient(dinp, dout, weight, N, C, OC));
  gemm.run(linear_weight_gradient(dweight, dout, inp, N, C, OC), /*same_b=*/dinp != nullptr);  // dout again
}

}  // namespace textclass::backend::cuda
