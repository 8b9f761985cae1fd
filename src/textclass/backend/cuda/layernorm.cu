// LayerNorm's launchers: the kernels of layernorm_kernels.cuh, four floats at a time where the rows
// allow it, one at a time otherwise.
#include <algorithm>

#include "textclass/backend/cuda/cuda_check.cuh"
#include "textclass/backend/cuda/kernel_launch.cuh"
#include "textclass/backend/cuda/kernels.cuh"
#include "textclass/backend/cuda/launch.cuh"
#include "textclass/backend/cuda/layernorm_kernels.cuh"

namespace textclass::backend::cuda {

using namespace layernorm;

namespace {

void launch_forward(cudaStream_t stream, const ForwardRows& rows, const char* what) {
  if (rows.N == 0) return;
  const unsigned blocks = (rows.N + kWarps - 1) / kWarps;
  with_forward_kernel(rows, [&](auto kernel) { launch(kernel, Grid(blocks, kWarps * 32, 0, stream), rows); });
  check_launch(what);
}

void launch_backward(cudaStream_t stream, const BackwardRows& rows, const char* what) {
  if (rows.N == 0) return;
  const std::size_t shared_bytes = kSums * static_cast<std::size_t>(rows.C) * sizeof(float);
  if (shared_bytes > 48 * 1024)
    throw Error(std::string(what) + ": " + std::to_string(rows.C) + " channels exceed the CUDA kernel's shared memory");
  // a warp a row, at most a block an SM (backward_kernel's warps loop over the rows beyond)
  static const int sms = [] {
    int device = 0, count = 0;
    check(cudaGetDevice(&device), "finding the current device");
    check(cudaDeviceGetAttribute(&count, cudaDevAttrMultiProcessorCount, device), "counting the SMs");
    return count;
  }();
  const unsigned blocks = std::min((rows.N + kWarps - 1) / kWarps, sms);
  const Grid grid(blocks, kWarps * 32, shared_bytes, stream);
  with_backward_kernel(rows, [&](auto kernel) { launch(kernel, grid, rows); });
  check_launch(what);
}

}  // namespace

void layernorm_forward(cudaStream_t stream, float* out, float* mean, float* rstd, const float* inp,
                       const float* weight, const float* bias, float eps, int N, int C) {
  launch_forward(stream,
                 ForwardRows{out, nullptr, nullptr, mean, rstd, inp, nullptr, weight, bias, 0.0f, 0, eps, N, C},
                 "layernorm_forward");
}

void residual_layernorm_forward(cudaStream_t stream, float* out, __nv_bfloat16* rounded, float* res, float* mean,
                                float* rstd, const float* inp, const float* residual, const float* weight,
                                const float* bias, float dropout_p, uint64_t seed, float eps, int N, int C) {
  launch_forward(stream,
                 ForwardRows{out, rounded, res, mean, rstd, inp, residual, weight, bias, dropout_p, seed, eps, N, C},
                 "residual_layernorm_forward");
}

void residual_layernorm_backward(cudaStream_t stream, float* dres, float* dinp, __nv_bfloat16* dinp_rounded,
                                 float* dweight, float* dbias, float* dinp_sums, const float* dout, const float* dout2,
                                 const float* res, const float* weight, const float* mean, const float* rstd,
                                 float dropout_p, uint64_t seed, int N, int C) {
  launch_backward(stream,
                  BackwardRows{dres, dinp, dweight, dbias, dout, dout2, res, weight, mean, rstd, dropout_p, seed, N, C,
                               dinp_sums, dinp_rounded},
                  "residual_layernorm_backward");
}

void layernorm_backward(cudaStream_t stream, float* dinp, float* dweight, float* dbias, const float* dout,
                        const float* inp, const float* weight, const float* mean, const float* rstd, int N, int C) {
  launch_backward(stream,
                  BackwardRows{dinp, nullptr, dweight, dbias, dout, nullptr, inp, weight, mean, rstd, 0.0f, 0, N, C},
                  "layernorm_backward");
}
}  // namespace textclass::backend::cuda
