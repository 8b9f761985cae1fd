// LayerNorm over the C channels of each of N rows, one warp per row (and fused with the residual
// connection before it: residual_layernorm_forward, which also writes out's bf16 rounding when
// asked, for the product that reads out next):
//   forward   out = (x - mean) · rstd · weight + bias,  rstd = 1 / sqrt(var + eps) (biased variance)
//   backward  with g = dout · weight and norm = (x - mean) · rstd:
//             dinp = rstd · (g - mean(g) - norm · mean(g · norm)),
//             dweight += Σ_rows dout · norm,  dbias += Σ_rows dout
#include "textclass/backend/cuda/cuda_check.cuh"
#include "textclass/backend/cuda/kernels.cuh"
#include "textclass/backend/cuda/launch.cuh"

namespace textclass::backend::cuda {
namespace {

constexpr int kWarps = 8;             // warps per block
// backward: rows whose parameter gradients a block sums in shared memory. One per warp: a batch of
// 16 AG News rows has only about 1,500 tokens, and blocks of more rows would leave SMs idle.
constexpr int kRowsPerBlock = kWarps;

// The rest of a row's LayerNorm once x is in memory and each lane holds its partial Σx: the
// statistics in double, two passes, as on the CPU (so mean and rstd come out as the correctly
// rounded floats whatever the order of the sums), then out (and its rounding, unless `rounded` is
// null) and the saved mean and rstd.
__device__ void finish_layernorm_row(float* out, __nv_bfloat16* rounded, float* mean, float* rstd, const float* x,
                                     const float* weight, const float* bias, float eps, int C, int row, int lane,
                                     double lane_sum) {
  const double row_mean = warp_sum(lane_sum) / C;
  double squares = 0.0;
  for (int c = lane; c < C; c += 32) squares += (x[c] - row_mean) * (x[c] - row_mean);
  const float m = static_cast<float>(row_mean);
  const float s = static_cast<float>(1.0 / sqrt(warp_sum(squares) / C + eps));
  for (int c = lane; c < C; c += 32) {
    out[c] = (x[c] - m) * s * weight[c] + bias[c];
    if (rounded != nullptr) rounded[c] = __float2bfloat16_rn(out[c]);
  }
  if (lane == 0) {
    mean[row] = m;
    rstd[row] = s;
  }
}

__global__ void layernorm_forward_kernel(float* out, float* mean, float* rstd, const float* inp, const float* weight,
                                         const float* bias, float eps, int N, int C) {
  const int row = blockIdx.x * kWarps + threadIdx.x / 32, lane = threadIdx.x % 32;
  if (row >= N) return;  // the whole warp leaves together
  const std::size_t offset = static_cast<std::size_t>(row) * C;
  double sum = 0.0;
  for (int c = lane; c < C; c += 32) sum += inp[offset + c];
  finish_layernorm_row(out + offset, nullptr, mean, rstd, inp + offset, weight, bias, eps, C, row, lane, sum);
}

// res = dropout(inp) + residual, written and summed in one pass, then LayerNorm(res). The product
// is rounded before the add (no fused multiply-add), so res equals what the separate dropout and
// add kernels give.
__global__ void residual_layernorm_forward_kernel(float* out, __nv_bfloat16* rounded, float* res, float* mean,
                                                  float* rstd, const float* inp, const float* residual,
                                                  const float* weight, const float* bias, float p, Seed seed,
                                                  float eps, int N, int C) {
  const int row = blockIdx.x * kWarps + threadIdx.x / 32, lane = threadIdx.x % 32;
  if (row >= N) return;
  const std::size_t offset = static_cast<std::size_t>(row) * C;
  const float keep_scale = 1.0f / (1.0f - p);
  const uint64_t s = p == 0.0f ? 0 : seed.get();
  double sum = 0.0;
  for (int c = lane; c < C; c += 32) {
    const std::size_t i = offset + c;
    const float dropped = p == 0.0f ? inp[i] : dropout_uniform(s, i) >= p ? __fmul_rn(inp[i], keep_scale) : 0.0f;
    res[i] = dropped + residual[i];
    sum += res[i];
  }
  finish_layernorm_row(out + offset, rounded == nullptr ? nullptr : rounded + offset, mean, rstd, res + offset, weight,
                       bias, eps, C, row, lane, sum);
}

// Each block takes kRowsPerBlock rows (a warp per row at a time); the parameter gradients of its
// rows gather in shared memory, then go to global memory with one atomic add per channel.
__global__ void layernorm_backward_kernel(float* dinp, float* dweight, float* dbias, const float* dout,
                                          const float* inp, const float* weight, const float* mean,
                                          const float* rstd, int N, int C) {
  extern __shared__ float shared[];
  float* dweight_block = shared;
  float* dbias_block = shared + C;
  for (int c = threadIdx.x; c < C; c += blockDim.x) dweight_block[c] = dbias_block[c] = 0.0f;
  __syncthreads();
  const int lane = threadIdx.x % 32, first = blockIdx.x * kRowsPerBlock;
  const int last = min(N, first + kRowsPerBlock);
  for (int row = first + threadIdx.x / 32; row < last; row += kWarps) {
    const std::size_t offset = static_cast<std::size_t>(row) * C;
    const float* x = inp + offset;
    const float* d = dout + offset;
    const float m = mean[row], s = rstd[row];
    float g_sum = 0.0f, g_norm_sum = 0.0f;
    for (int c = lane; c < C; c += 32) {
      const float g = d[c] * weight[c];
      g_sum += g;
      g_norm_sum += g * ((x[c] - m) * s);
    }
    const float g_mean = warp_sum(g_sum) / C, g_norm_mean = warp_sum(g_norm_sum) / C;
    float* dx = dinp + offset;
    for (int c = lane; c < C; c += 32) {
      const float norm = (x[c] - m) * s;
      const float dc = d[c];
      dx[c] = s * (dc * weight[c] - g_mean - norm * g_norm_mean);
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

}  // namespace

void layernorm_forward(cudaStream_t stream, float* out, float* mean, float* rstd, const float* inp,
                       const float* weight, const float* bias, float eps, int N, int C) {
  if (N == 0) return;
  const unsigned blocks = (N + kWarps - 1) / kWarps;
  layernorm_forward_kernel<<<blocks, kWarps * 32, 0, stream>>>(out, mean, rstd, inp, weight, bias, eps, N, C);
  check_launch("layernorm_forward");
}

void residual_layernorm_forward(cudaStream_t stream, float* out, __nv_bfloat16* rounded, float* res, float* mean,
                                float* rstd, const float* inp, const float* residual, const float* weight,
                                const float* bias, float dropout_p, Seed seed, float eps, int N, int C) {
  if (N == 0) return;
  const unsigned blocks = (N + kWarps - 1) / kWarps;
  residual_layernorm_forward_kernel<<<blocks, kWarps * 32, 0, stream>>>(out, rounded, res, mean, rstd, inp, residual,
                                                                        weight, bias, dropout_p, seed, eps, N, C);
  check_launch("residual_layernorm_forward");
}

void layernorm_backward(cudaStream_t stream, float* dinp, float* dweight, float* dbias, const float* dout,
                        const float* inp, const float* weight, const float* mean, const float* rstd, int N, int C) {
  if (N == 0) return;
  const std::size_t shared_bytes = 2 * static_cast<std::size_t>(C) * sizeof(float);
  if (shared_bytes > 48 * 1024) throw Error("layernorm_backward: " + std::to_string(C) + " channels exceed the CUDA kernel's shared memory");
  const unsigned blocks = (N + kRowsPerBlock - 1) / kRowsPerBlock;
  layernorm_backward_kernel<<<blocks, kWarps * 32, shared_bytes, stream>>>(dinp, dweight, dbias, dout, inp, weight,
                                                                         mean, rstd, N, C);
  check_launch("layernorm_backward");
}

}  // namespace textclass::backend::cuda
