// Linear layers: the products as gemm_call.hpp writes them for cuBLASLt (bias in its epilogue),
// and dbias[OC] += Σ_n dout[n], a column sum, by bias_backward_kernel; with fused rounding the same
// pass over dout writes its bf16 rounding for the two products of the backward pass, which run side
// by side (Gemm::run_sharing_b).
#include <cuda_bf16.h>

#include <algorithm>

#include "textclass/backend/cuda/cuda_check.cuh"
#include "textclass/backend/cuda/kernels.cuh"
#include "textclass/backend/cuda/launch.cuh"

namespace textclass::backend::cuda {
namespace {

constexpr int kColumns = 32, kRowGroups = 8;  // a block sums 32 columns with 8 threads per column
constexpr int kRowsAtOnce = 4;                  // rows a thread loads before it adds and stores

// dbias[oc] += Σ_n dout[n, oc]: blockIdx.x picks 32 columns, blockIdx.y a slice of the rows; the
// block's 8 partial sums per column meet in shared memory, then one atomic add per column. And,
// unless `rounded` is null, rounded[n, oc] = dout[n, oc] rounded to bf16. A thread loads 4 rows
// before it stores their roundings, since a load after a store may not be moved before it: a row at
// a time, ncu measured 6-10 us a call on an H200 at batch 16, at a tenth to a quarter of the memory's
// bandwidth (bench/RESULTS.md; the linear layers' backward op went from 32.1 to 31.7 us a call).
__global__ void bias_backward_kernel(float* dbias, __nv_bfloat16* rounded, const float* dout, int N, int OC) {
  __shared__ float partial[kRowGroups][kColumns + 1];
  const int oc = blockIdx.x * kColumns + threadIdx.x;
  const int stride = gridDim.y * kRowGroups;
  float sum = 0.0f;
  if (oc < OC)
    for (int n0 = blockIdx.y * kRowGroups + threadIdx.y; n0 < N; n0 += kRowsAtOnce * stride) {
      float x[kRowsAtOnce];
TEXTCLASS_UNROLL
      for (int r = 0; r < kRowsAtOnce; r++) {
        const int n = n0 + r * stride;
        x[r] = n < N ? dout[static_cast<std::size_t>(n) * OC + oc] : 0.0f;
      }
TEXTCLASS_UNROLL
      for (int r = 0; r < kRowsAtOnce; r++) {
        const int n = n0 + r * stride;
        sum += x[r];
        if (rounded != nullptr && n < N) rounded[static_cast<std::size_t>(n) * OC + oc] = __float2bfloat16_rn(x[r]);
      }
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
    // a thread's rows loaded at once, in as many blocks as give each thread one such group (at most 32)
    const dim3 blocks((OC + kColumns - 1) / kColumns, std::min(32, (N + kRowGroups * kRowsAtOnce - 1) /
                                                                       (kRowGroups * kRowsAtOnce)));
    bias_backward_kernel<<<blocks, threads, 0, stream>>>(dbias, rounded, dout, N, OC);
    check_launch("matmul_backward (bias)");
  }
  const GemmCall weight_gradient = linear_weight_gradient(dweight, dout, inp, N, C, OC);
  if (dinp == nullptr) gemm.run(weight_gradient);
  else gemm.run_sharing_b(linear_input_gradient(dinp, dout, weight, N, C, OC), weight_gradient);  // dout both
}

}  // namespace textclass::backend::cuda
