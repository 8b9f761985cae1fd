// Self-attention on the GPU, on the model's packed rows of tokens. In bf16, where the shape allows,
// the kernels of tensor_core_attention.cuh, which read and write the rows themselves and keep qkv's
// bf16 rounding in att. Otherwise (fp32, tf32, and shapes those kernels do not take) the plan of
// attention_plan.hpp on the padded layout, run with the kernels below (split and merge of the heads,
// masked softmax and its backward, one warp per row) and cuBLASLt's batched products over the B·NH
// heads: the rows move to the padded layout in scratch and back (gather_rows), and att keeps the
// statistics and the padded qkv, which the backward pass reads.
#include <algorithm>
#include <cfloat>

#include "textclass/backend/cuda/attention_plan.hpp"
#include "textclass/backend/cuda/cuda_check.cuh"
#include "textclass/backend/cuda/elementwise_kernels.cuh"
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
__global__ void softmax_forward_kernel(float* scores, float* stats, const int32_t* mask, float p, uint64_t seed, int NH,
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
  const uint64_t s = p > 0.0f ? seed : 0;
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
                                     float p, uint64_t seed, int NH, int T, std::size_t rows) {
  await_earlier_kernels();
  const std::size_t row = static_cast<std::size_t>(blockIdx.x) * (blockDim.x / 32) + threadIdx.x / 32;
  const int lane = threadIdx.x % 32;
  if (row >= rows) return;
  const float* s_row = scores + row * T;
  const int32_t* row_mask = mask + (row / (static_cast<std::size_t>(NH) * T)) * T;
  const float max = stats[2 * row], inverse = stats[2 * row + 1], keep_scale = 1.0f / (1.0f - p);
  const uint64_t s = p > 0.0f ? seed : 0;
  for (int j = lane; j < T; j += 32) {
    const float a = probability(s_row, row_mask, max, inverse, j);
    out[row * T + j] = p == 0.0f ? a : dropout_uniform(s, row * T + j) >= p ? a * keep_scale : 0.0f;
  }
}

// dS = P ∘ (dP - Σ_j P·dP), dP = dP' ∘ keep/(1-p), written over dP', with P and the mask recomputed.
// As on the CPU: ds_j = dP'_j · P'_j (P'_j the dropped-out probability), then ds_j -= P_j · Σ ds.
__global__ void softmax_backward_kernel(float* dscores, const float* scores, const float* stats, const int32_t* mask,
                                        float p, uint64_t seed, int NH, int T, std::size_t rows) {
  await_earlier_kernels();
  const std::size_t row = static_cast<std::size_t>(blockIdx.x) * (blockDim.x / 32) + threadIdx.x / 32;
  const int lane = threadIdx.x % 32;
  if (row >= rows) return;
  float* ds = dscores + row * T;
  const float* s_row = scores + row * T;
  const int32_t* row_mask = mask + (row / (static_cast<std::size_t>(NH) * T)) * T;
  const float max = stats[2 * row], inverse = stats[2 * row + 1], keep_scale = 1.0f / (1.0f - p);
  const uint64_t s = p > 0.0f ? seed : 0;
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
  void softmax_forward(float* scores, float* stats, const int32_t* mask, float p, uint64_t seed, std::size_t rows) {
    launch(softmax_forward_kernel, Grid(row_blocks(rows), kWarpsPerBlock * 32, 0, stream), scores, stats, mask, p,
           seed, NH, T, rows);
    check_launch("attention (softmax)");
  }
  void probabilities(float* out, const float* scores, const float* stats, const int32_t* mask, float p, uint64_t seed,
                     std::size_t rows) {
    launch(probabilities_kernel, Grid(row_blocks(rows), kWarpsPerBlock * 32, 0, stream), out, scores, stats, mask, p,
           seed, NH, T, rows);
    check_launch("attention (probabilities again)");
  }
  void softmax_backward(float* dscores, const float* scores, const float* stats, const int32_t* mask, float p,
                        uint64_t seed, std::size_t rows) {
    launch(softmax_backward_kernel, Grid(row_blocks(rows), kWarpsPerBlock * 32, 0, stream), dscores, scores, stats,
           mask, p, seed, NH, T, rows);
    check_launch("attention (softmax backward)");
  }
};

// The tensor-core kernels, where they take the shape (bf16 alone: their products round to bf16).
bool on_tensor_cores(Precision precision, const AttentionShape& shape) {
  return precision == Precision::bf16 && tensor_core_attention_fits(shape);
}

// The plan's saves in att: each row's statistics, then (256-byte aligned) qkv in the padded layout,
// which the plan's backward pass reads.
std::size_t padded_qkv_offset(const AttentionShape& s) { return (attention_stats_floats(s) + 63) / 64 * 64; }

// The plan runs on the padded layout, the model's tokens lie in packed rows: index lists for
// gather_rows both ways, built on the GPU from starts (elementwise_kernels.cuh), in scratch.
struct RowMoves {
  int32_t *to_rows, *to_padded;  // [B·T]: each padded row's packed row; [M]: each packed row's padded row
  // (rounded up to 64 floats, so that what follows them stays 256-byte aligned for float4 gathers)
  static std::size_t floats(const AttentionShape& s, int M) {
    return (static_cast<std::size_t>(s.B) * s.T + M + 63) / 64 * 64;
  }
  RowMoves(float* at, cudaStream_t stream, const int32_t* starts, int M, const AttentionShape& s)
      : to_rows(reinterpret_cast<int32_t*>(at)), to_padded(to_rows + static_cast<std::size_t>(s.B) * s.T) {
    const int count = std::max(s.B * s.T, M);
    launch(elementwise::padded_rows_kernel<>, Grid(blocks_for(count), kBlock, 0, stream), to_rows, to_padded, starts,
           s.B, s.T, M);
    check_launch("attention (the padded layout's rows)");
  }
};

}  // namespace

std::size_t attention_saved_floats(Precision precision, int B, int T, int C, int NH) {
  const AttentionShape shape{B, T, C, NH};
  if (on_tensor_cores(precision, shape)) return tensor_core_attention_saved_floats(shape);
  return padded_qkv_offset(shape) + 3 * shape.NC();
}

void attention_forward(Gemm& gemm, Scratch& scratch, cudaStream_t stream, Precision precision, float* out, float* att,
                       const float* qkv, const int32_t* mask, const int32_t* starts, int M, float dropout_p,
                       uint64_t seed, int B, int T, int C, int NH) {
  const AttentionShape shape{B, T, C, NH};
  if (M == 0 || C == 0) return;
  if (on_tensor_cores(precision, shape)) {
    __nv_bfloat16* rounded = gemm.rounding_for(out, static_cast<std::size_t>(M) * C);  // for the next product
    tensor_core_attention_forward(stream, out, rounded, att, qkv, mask, {starts, M}, dropout_p, seed, shape);
    return;
  }
  // scratch: the plan's, the padded output, the index lists, and (where nothing is saved) what att holds
  const std::size_t plan = attention_forward_scratch(shape), moves = RowMoves::floats(shape, M);
  const std::size_t saved = att == nullptr ? attention_saved_floats(precision, B, T, C, NH) : 0;
  float* buffer = scratch.floats(plan + shape.NC() + moves + saved);
  float* padded_out = buffer + plan;
  const RowMoves rows(padded_out + shape.NC(), stream, starts, M, shape);
  float* stats = att != nullptr ? att : padded_out + shape.NC() + moves;
  float* padded_qkv = stats + padded_qkv_offset(shape);
  gather_rows(stream, padded_qkv, qkv, rows.to_rows, B * T, 3 * C);
  GpuSteps steps{gemm, stream, B, T, C, NH};
  attention_forward_plan(steps, buffer, padded_out, stats, padded_qkv, mask, dropout_p, seed, shape);
  gather_rows(stream, out, padded_out, rows.to_padded, M, C);
}

void attention_backward(Gemm& gemm, Scratch& scratch, cudaStream_t stream, Precision precision, float* dqkv,
                        const float* dout, const float* out, const float* att, const int32_t* mask,
                        const int32_t* starts, int M, float dropout_p, uint64_t seed, int B, int T, int C, int NH) {
  const AttentionShape shape{B, T, C, NH};
  if (M == 0 || C == 0) return;
  if (on_tensor_cores(precision, shape)) {
    float* buffer = scratch.floats(tensor_core_attention_backward_scratch(shape));
    tensor_core_attention_backward(stream, dqkv, buffer, dout, out, att, mask, {starts, M}, dropout_p, seed, shape);
    return;
  }
  // scratch: the plan's, the padded dout and dqkv, the index lists; padding queries get no gradient
  const std::size_t plan = attention_backward_scratch(shape);
  float* buffer = scratch.floats(plan + 4 * shape.NC() + RowMoves::floats(shape, M));
  float* padded_dout = buffer + plan;
  float* padded_dqkv = padded_dout + shape.NC();
  const RowMoves rows(padded_dqkv + 3 * shape.NC(), stream, starts, M, shape);
  gather_rows(stream, padded_dout, dout, rows.to_rows, B * T, C);
  GpuSteps steps{gemm, stream, B, T, C, NH};
  attention_backward_plan(steps, buffer, padded_dqkv, padded_dout, att + padded_qkv_offset(shape), att, mask,
                          dropout_p, seed, shape);
  gather_rows(stream, dqkv, padded_dqkv, rows.to_padded, M, 3 * C);
}

}  // namespace textclass::backend::cuda
