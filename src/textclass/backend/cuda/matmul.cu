// Linear layers: the products as gemm_call.hpp writes them for cuBLASLt (bias in its epilogue),
// and dbias[OC] += Σ_n dout[n], a column sum, by elementwise_kernels.cuh's column_sums_kernel; with
// fused rounding the same pass over dout writes its bf16 rounding for the two products of the
// backward pass, which run side by side (Gemm::run_sharing_b).
#include <cuda_bf16.h>

#include "textclass/backend/cuda/cuda_check.cuh"
#include "textclass/backend/cuda/elementwise_kernels.cuh"
#include "textclass/backend/cuda/kernel_launch.cuh"
#include "textclass/backend/cuda/kernels.cuh"
#include "textclass/backend/cuda/launch.cuh"

namespace textclass::backend::cuda {

void matmul_forward(Gemm& gemm, float* out, const float* inp, const float* weight, const float* bias, int N, int C,
                    int OC) {
  gemm.run(linear_forward(out, inp, weight, bias, N, C, OC));
}

void matmul_backward(Gemm& gemm, cudaStream_t stream, float* dinp, float* dweight, float* dbias, const float* dout,
                     const float* inp, const float* weight, int N, int C, int OC, GradientWrite dweight_write) {
  if (dbias != nullptr && N > 0) {
    // (the products below find this rounding of dout, when there is one, instead of making theirs)
    __nv_bfloat16* rounded = gemm.rounding_for(dout, static_cast<std::size_t>(N) * OC);
    using namespace elementwise;
    launch(column_sums_kernel<First>,
           Grid(column_sums_grid(N, OC), column_sums_threads(), column_sums_shared_bytes, stream),
           Map<First>{nullptr, rounded, dout, nullptr, First{}}, dbias, N, OC);
    check_launch("matmul_backward (bias)");
  }
  const GemmCall weight_gradient = linear_weight_gradient(dweight, dout, inp, N, C, OC, dweight_write);
  if (dinp == nullptr) gemm.run(weight_gradient);
  else gemm.run_sharing_b(linear_input_gradient(dinp, dout, weight, N, C, OC), weight_gradient);  // dout both
}

}  // namespace textclass::backend::cuda
