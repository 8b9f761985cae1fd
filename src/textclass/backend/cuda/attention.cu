// Self-attention on the GPU: the plan of attention_plan.hpp, run with the kernels below (split and
// merge of the heads, masked softmax and its backward, one warp per row) and cuBLASLt's batched
// products over the B·NH heads; or, when asked (kernels.cuh's AttentionKernels) and the shape
// allows, the kernels of tensor_core_attention.cuh or fused_attention.cuh.
#include <cfloat>
#include <stdexcept>

#include "textclass/backend/cuda/attention_plan.hpp"
#include "textclass/backend/cuda/cuda_check.cuh"
#include "textclass/backend/cuda/fused_attention.cuh"
#include "textclass/backend/cuda/kernel_launch.cuh"
#include "textclass/backend/cuda/kernels.cuh"
#include "textclass/backend/cuda/launch.cuh"
#include "textclass/backend/cuda/tensor_core_attention.cuh"

namespace textclass::backend::cuda {
namespace {

// dst[part][b, h, t, d] = src[b, t, part, h, d] for parts tensors side by side in src ([B,T,parts·C]);
// a block per row bt.
__global__ void split_heads_kernel(float* dst, const float* src, int parts, int rows, int T, int C, int NH) {
  await_earlier_kernels();
  const std::size_t NC = static_cast<std::size_t>(rows) * C;
  const int width = parts * C;
  for (int bt = blockIdx.x; bt < rows; bt += gridDim.x)
    for (int within = threadIdx.x; within < width; within += blockDim.x)
      dst[head_major_index(bt, within, T, C, NH, NC)] = src[static_cast<std::size_t>(bt) * width + within];
}

// The inverse: dst[b, t, part, h, d] = src[part][b, h, t, d].
__global__ void merge_heads_kernel(float* dst, const float* src, int parts, int rows, int T, int C, int NH) {
  await_earlier_kernels();
  const std::size_t NC = static_cast<std::size_t>(rows) * C;
  const int width = parts * C;
  for (int bt = blockIdx.x; bt < rows; bt += gridDim.x)
    for (int within = threadIdx.x; within < width; within += blockDim.x)
      dst[static_cast<std::size_t>(bt) * width + within] = src[head_major_index(bt, within, T, C, NH, NC)];
}

// One warp per row of scores (B·NH·T rows of T): adds HF's padding bias (float's lowest, not -inf,
// so a row of padding stays finite) where mask is 0, turns the row into probabilities and saves its
// max and 1/sum in stats; with dropout, drops them out in place. An element's dropout index is its
// index in the [B,NH,T,T] scores.
__global__ void softmax_forward_kernel(float* scores, float* stats, const int32_t* mask, float p, Seed seed, int NH,
                                       int T, std::size_t rows) {
  await_earlier_kernels();
  const std::size_t row = static_cast<std::size_t>(blockIdx.x) * (blockDim.x / 32) + threadIdx.x / 32;
  const int lane = threadIdx.x % 32;
  if (row >= rows) return;
  float* a = scores + row * T;
  const int32_t* row_mask = mask + (row / (static_cast<std::size_t>(NH) * T)) * T;
  float max = -FLT_MAX;
  for (int j = lane; j < T; j += 32) {
    if (row_mask[j] == 0) a[j] += -FLT_MAX;
    max = fmaxf(max, a[j]);
  }
  max = warp_max(max);
  float sum = 0.0f;
  for (int j = lane; j < T; j += 32) {
    a[j] = expf(a[j] - max);
    sum += a[j];
  }
  const float inverse = 1.0f / warp_sum(sum);
  if (lane == 0) {
    stats[2 * row] = max;
    stats[2 * row + 1] = inverse;
  }
  const float keep_scale = 1.0f / (1.0f - p);
  const uint64_t s = p > 0.0f ? seed.get() : 0;
  for (int j = lane; j < T; j += 32) {
    a[j] *= inverse;
    if (p > 0.0f) a[j] = dropout_uniform(s, row * T + j) >= p ? a[j] * keep_scale : 0.0f;
  }
}

// Row `row` of the probabilities again, element j: from the raw scores (the same product as the
// forward pass's) and the saved statistics, with the forward kernel's arithmetic, so the same numbers.
__device__ inline float probability(const float* row_scores, const int32_t* row_mask, float max, float inverse, int j) {
  float x = row_scores[j];
  if (row_mask[j] == 0) x += -FLT_MAX;
  return expf(x - max) * inverse;
}

// out = P' = dropout(P) for each row of scores, a warp per row.
__global__ void probabilities_kernel(float* out, const float* scores, const float* stats, const int32_t* mask,
                                     float p, Seed seed, int NH, int T, std::size_t rows) {
  await_earlier_kernels();
  const std::size_t row = static_cast<std::size_t>(blockIdx.x) * (blockDim.x / 32) + threadIdx.x / 32;
  const int lane = threadIdx.x % 32;
  if (row >= rows) return;
  const float* s_row = scores + row * T;
  const int32_t* row_mask = mask + (row / (static_cast<std::size_t>(NH) * T)) * T;
  const float max = stats[2 * row], inverse = stats[2 * row + 1], keep_scale = 1.0f / (1.0f - p);
  const uint64_t s = p > 0.0f ? seed.get() : 0;
  for (int j = lane; j < T; j += 32) {
    const float a = probability(s_row, row_mask, max, inverse, j);
    out[row * T + j] = p == 0.0f ? a : dropout_uniform(s, row * T + j) >= p ? a * keep_scale : 0.0f;
  }
}

// dS = P ∘ (dP - Σ_j P·dP), dP = dP' ∘ keep/(1-p), written over dP', with P and the mask recomputed.
// As on the CPU: ds_j = dP'_j · P'_j (P'_j the dropped-out probability), then ds_j -= P_j · Σ ds.
__global__ void softmax_backward_kernel(float* dscores, const float* scores, const float* stats, const int32_t* mask,
                                        float p, Seed seed, int NH, int T, std::size_t rows) {
  await_earlier_kernels();
  const std::size_t row = static_cast<std::size_t>(blockIdx.x) * (blockDim.x / 32) + threadIdx.x / 32;
  const int lane = threadIdx.x % 32;
  if (row >= rows) return;
  float* ds = dscores + row * T;
  const float* s_row = scores + row * T;
  const int32_t* row_mask = mask + (row / (static_cast<std::size_t>(NH) * T)) * T;
  const float max = stats[2 * row], inverse = stats[2 * row + 1], keep_scale = 1.0f / (1.0f - p);
  const uint64_t s = p > 0.0f ? seed.get() : 0;
  float dot = 0.0f;
  for (int j = lane; j < T; j += 32) {
    const float a = probability(s_row, row_mask, max, inverse, j);
    const float dropped = p == 0.0f ? a : dropout_uniform(s, row * T + j) >= p ? a * keep_scale : 0.0f;
    ds[j] *= dropped;
    dot += ds[j];
  }
  dot = warp_sum(dot);
  for (int j = lane; j < T; j += 32) ds[j] -= probability(s_row, row_mask, max, inverse, j) * dot;
}

constexpr int kWarpsPerBlock = 8;

unsigned row_blocks(std::size_t rows) { return static_cast<unsigned>((rows + kWarpsPerBlock - 1) / kWarpsPerBlock); }


// attention_plan.hpp's steps as kernel launches on one stream.
struct GpuSteps {
  Gemm& products;
  cudaStream_t stream;
  int B, T, C, NH;

  void split_heads(float* dst, const float* src, int parts) {
    launch(split_heads_kernel, Grid(B * T, kBlock, 0, stream), dst, src, parts, B * T, T, C, NH);
    check_launch("attention (split heads)");
  }
  void merge_heads(float* dst, const float* src, int parts) {
    launch(merge_heads_kernel, Grid(B * T, kBlock, 0, stream), dst, src, parts, B * T, T, C, NH);
    check_launch("attention (merge heads)");
  }
  void gemm(const GemmCall& call) { products.run(call); }
  void softmax_forward(float* scores, float* stats, const int32_t* mask, float p, Seed seed, std::size_t rows) {
    launch(softmax_forward_kernel, Grid(row_blocks(rows), kWarpsPerBlock * 32, 0, stream), scores, stats, mask, p,
           seed, NH, T, rows);
    check_launch("attention (softmax)");
  }
  void probabilities(float* out, const float* scores, const float* stats, const int32_t* mask, float p, Seed seed,
                     std::size_t rows) {
    launch(probabilities_kernel, Grid(row_blocks(rows), kWarpsPerBlock * 32, 0, stream), out, scores, stats, mask, p,
           seed, NH, T, rows);
    check_launch("attention (probabilities again)");
  }
  void softmax_backward(float* dscores, const float* scores, const float* stats, const int32_t* mask, float p,
                        Seed seed, std::size_t rows) {
    launch(softmax_backward_kernel, Grid(row_blocks(rows), kWarpsPerBlock * 32, 0, stream), dscores, scores, stats,
           mask, p, seed, NH, T, rows);
    check_launch("attention (softmax backward)");
  }
};

bool on_tensor_cores(AttentionKernels kernels, const AttentionShape& shape) {
  return on_tensor_cores(kernels) && tensor_core_attention_fits(shape);
}

// Whether the tensor-core kernels keep qkv's bf16 rounding (where they run).
bool keeps_qkv(AttentionKernels kernels) { return kernels == AttentionKernels::tensor_cores; }

// The plan and the fused kernels know only the padded layout.
void require_padded(const TokenRows& tokens) {
  if (tokens.starts != nullptr)
    throw std::logic_error("attention on packed tokens runs only on the tensor-core kernels (attends_on_rows)");
}

}  // namespace

Backend::AttentionSaved attention_saved(AttentionKernels kernels, int B, int T, int C, int NH) {
  const AttentionShape shape{B, T, C, NH};
  if (on_tensor_cores(kernels, shape))
    return {tensor_core_attention_saved_floats(shape, keeps_qkv(kernels)), keeps_qkv(kernels)};
  return {attention_stats_floats(shape), false};
}

bool attends_on_rows(AttentionKernels kernels, int B, int T, int C, int NH) {
  return on_tensor_cores(kernels, AttentionShape{B, T, C, NH});
}

void attention_forward(Gemm& gemm, Scratch& scratch, cudaStream_t stream, AttentionKernels kernels, float* out,
                       float* att, const float* qkv, const int32_t* mask, const TokenRows& tokens, float dropout_p,
                       Seed seed, int B, int T, int C, int NH) {
  const AttentionShape shape{B, T, C, NH};
  if (shape.NC() == 0) return;
  if (on_tensor_cores(kernels, shape)) {
    const std::size_t out_floats = tokens.starts != nullptr ? static_cast<std::size_t>(tokens.rows) * C : shape.NC();
    __nv_bfloat16* rounded = gemm.rounding_for(out, out_floats);  // for the product that reads out next
    tensor_core_attention_forward(stream, out, rounded, att, keeps_qkv(kernels), qkv, mask, tokens, dropout_p, seed,
                                  shape);
    return;
  }
  require_padded(tokens);
  // the statistics, in scratch where nothing is saved (after the plan's own scratch)
  const std::size_t unsaved = att == nullptr ? attention_stats_floats(shape) : 0;
  if (kernels == AttentionKernels::fused && fused_attention_fits(shape, {out, qkv})) {
    float* stats = att != nullptr ? att : scratch.floats(unsaved);
    fused_attention_forward(stream, out, stats, qkv, mask, dropout_p, seed, shape);
    return;
  }
  float* buffer = scratch.floats(attention_forward_scratch(shape) + unsaved);
  float* stats = att != nullptr ? att : buffer + attention_forward_scratch(shape);
  GpuSteps steps{gemm, stream, B, T, C, NH};
  attention_forward_plan(steps, buffer, out, stats, qkv, mask, dropout_p, seed, shape);
}

void attention_backward(Gemm& gemm, Scratch& scratch, cudaStream_t stream, AttentionKernels kernels, float* dqkv,
                        const float* dout, const float* qkv, const float* out, const float* att, const int32_t* mask,
                        const TokenRows& tokens, float dropout_p, Seed seed, int B, int T, int C, int NH) {
  const AttentionShape shape{B, T, C, NH};
  if (shape.NC() == 0) return;
  if (on_tensor_cores(kernels, shape)) {
    float* buffer = scratch.floats(tensor_core_attention_backward_scratch(shape));
    tensor_core_attention_backward(stream, dqkv, buffer, dout, qkv, out, att, keeps_qkv(kernels), mask, tokens,
                                   dropout_p, seed, shape);
    return;
  }
  require_padded(tokens);
  const float* stats = att;
  if (kernels == AttentionKernels::fused && fused_attention_fits(shape, {dqkv, dout, qkv})) {
    fused_attention_backward(stream, dqkv, scratch.floats(shape.rows()), dout, qkv, stats, mask, dropout_p, seed, shape);
    return;
  }
  float* buffer = scratch.floats(attention_backward_scratch(shape));
  GpuSteps steps{gemm, stream, B, T, C, NH};
  attention_backward_plan(steps, buffer, dqkv, dout, qkv, stats, mask, dropout_p, seed, shape);
}

}  // namespace textclass::backend::cuda
