// LayerNorm's launchers: the kernels of layernorm_kernels.cuh, the four-floats-at-a-time forward
// kernel where the rows allow it.
#include "textclass/backend/cuda/cuda_check.cuh"
#include "textclass/backend/cuda/kernels.cuh"
#include "textclass/backend/cuda/launch.cuh"
#include "textclass/backend/cuda/layernorm_kernels.cuh"

namespace textclass::backend::cuda {

using namespace layernorm;

namespace {

// backward: rows whose parameter gradients a block sums in shared memory. One per warp: a batch of
// 16 AG News rows has only about 1,500 tokens, and blocks of more rows would leave SMs idle.
constexpr int kRowsPerBlock = kWarps;

// Each block takes kRowsPerBlock rows (a warp per row at a time); the parameter gradients of its
// rows gather in shared memory, then go to global memory with one atomic add per channel. The
// output gradient is dout, plus dout2 unless it is null (summed as the add kernel sums); unless
// `dropped` is null, dropped = dropout's backward pass over dinp too (residual_layernorm_backward),
// as the dropout kernel computes it.
__global__ void layernorm_backward_kernel(float* dinp, float* dropped, float* dweight, float* dbias, const float* dout,
                                          const float* dout2, const float* inp, const float* weight,
                                          const float* mean, const float* rstd, float p, Seed seed, int N, int C) {
  extern __shared__ float shared[];
  float* dweight_block = shared;
  float* dbias_block = shared + C;
  for (int c = threadIdx.x; c < C; c += blockDim.x) dweight_block[c] = dbias_block[c] = 0.0f;
  __syncthreads();
  const int lane = threadIdx.x % 32, first = blockIdx.x * kRowsPerBlock;
  const int last = min(N, first + kRowsPerBlock);
  const uint64_t seed_value = dropped == nullptr || p == 0.0f ? 0 : seed.get();
  const float keep_scale = 1.0f / (1.0f - p);
  for (int row = first + threadIdx.x / 32; row < last; row += kWarps) {
    const std::size_t offset = static_cast<std::size_t>(row) * C;
    const float* x = inp + offset;
    auto d = [&](int c) { return dout2 == nullptr ? dout[offset + c] : dout[offset + c] + dout2[offset + c]; };
    const float m = mean[row], s = rstd[row];
    float g_sum = 0.0f, g_norm_sum = 0.0f;
    for (int c = lane; c < C; c += 32) {
      const float g = d(c) * weight[c];
      g_sum += g;
      g_norm_sum += g * ((x[c] - m) * s);
    }
    const float g_mean = warp_sum(g_sum) / C, g_norm_mean = warp_sum(g_norm_sum) / C;
    float* dx = dinp + offset;
    for (int c = lane; c < C; c += 32) {
      const float norm = (x[c] - m) * s;
      const float dc = d(c);
      const float v = s * (dc * weight[c] - g_mean - norm * g_norm_mean);
      dx[c] = v;
      if (dropped != nullptr)
        dropped[offset + c] = p == 0.0f || dropout_uniform(seed_value, offset + c) >= p ? v * keep_scale : 0.0f;
      atomicAdd(&dweight_block[c], dc * norm);
      atomicAdd(&dbias_block[c], dc);
    }
  }
  __syncthreads();
  for (int c = threadIdx.x; c < C; c += blockDim.x) {
    atomicAdd(&dweight[c], dweight_block[c]);
    atomicAdd(&dbias[c], dbias_block[c]);
  }
}

void launch_forward(cudaStream_t stream, const ForwardRows& rows, const char* what) {
  if (rows.N == 0) return;
  const unsigned blocks = (rows.N + kWarps - 1) / kWarps;
  with_forward_kernel(rows, [&](auto kernel) { kernel<<<blocks, kWarps * 32, 0, stream>>>(rows); });
  check_launch(what);
}

void launch_backward(cudaStream_t stream, float* dinp, float* dropped, float* dweight, float* dbias, const float* dout,
                     const float* dout2, const float* inp, const float* weight, const float* mean, const float* rstd,
                     float p, Seed seed, int N, int C, const char* what) {
  if (N == 0) return;
  const std::size_t shared_bytes = 2 * static_cast<std::size_t>(C) * sizeof(float);
  if (shared_bytes > 48 * 1024)
    throw Error(std::string(what) + ": " + std::to_string(C) + " channels exceed the CUDA kernel's shared memory");
  const unsigned blocks = (N + kRowsPerBlock - 1) / kRowsPerBlock;
  layernorm_backward_kernel<<<blocks, kWarps * 32, shared_bytes, stream>>>(dinp, dropped, dweight, dbias, dout, dout2,
                                                                         inp, weight, mean, rstd, p, seed, N, C);
  check_launch(what);
}

}  // namespace

void layernorm_forward(cudaStream_t stream, float* out, float* mean, float* rstd, const float* inp,
                       const float* weight, const float* bias, float eps, int N, int C) {
  launch_forward(stream,
                 ForwardRows{out, nullptr, nullptr, mean, rstd, inp, nullptr, weight, bias, 0.0f, Seed{}, eps, N, C},
                 "layernorm_forward");
}

void residual_layernorm_forward(cudaStream_t stream, float* out, __nv_bfloat16* rounded, float* res, float* mean,
                                float* rstd, const float* inp, const float* residual, const float* weight,
                                const float* bias, float dropout_p, Seed seed, float eps, int N, int C) {
  launch_forward(stream,
                 ForwardRows{out, rounded, res, mean, rstd, inp, residual, weight, bias, dropout_p, seed, eps, N, C},
                 "residual_layernorm_forward");
}

void residual_layernorm_backward(cudaStream_t stream, float* dres, float* dinp, float* dweight, float* dbias,
                                 const float* dout, const float* dout2, const float* res, const float* weight,
                                 const float* mean, const float* rstd, float dropout_p, Seed seed, int N, int C) {
  launch_backward(stream, dres, dinp, dweight, dbias, dout, dout2, res, weight, mean, rstd, dropout_p, seed, N, C,
                  "residual_layernorm_backward");
}

void layernorm_backward(cudaStream_t stream, float* dinp, float* dweight, float* dbias, const float* dout,
                        const float* inp, const float* weight, const float* mean, const float* rstd, int N, int C) {
  launch_backward(stream, dinp, nullptr, dweight, dbias, dout, nullptr, inp, weight, mean, rstd, 0.0f, Seed{}, N, C,
                  "layernorm_backward");
}
}  // namespace textclass::backend::cuda
