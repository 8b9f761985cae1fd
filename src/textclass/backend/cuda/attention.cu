// Self-attention for the sequence lengths of text classification (up to 512 tokens), as batched
// cuBLASLt products over the B·NH heads plus small kernels, after llm.c:
//   split_heads   qkv[B,T,3,NH,hs] -> q, k, v, each [B,NH,T,hs]
//   scores        att[bh] = s · q[bh] · k[bh]ᵀ            (s = hs^-0.5, [T,T] per head)
//   softmax       att = softmax(att + padding bias) per row, in place; dropped copy if training
//   product       y[bh] = dropout(att[bh]) · v[bh]
//   merge_heads   y[B,NH,T,hs] -> out[B,T,NH·hs]
// The backward pass recomputes the split and the dropped copy instead of keeping them, and runs
//   dv = Pᵀ·dy,  dP = dy·vᵀ,  dS = att ∘ (dP∘keep/(1-p) - Σ_j att·dP∘keep/(1-p)),  dq = s·dS·k,  dk = s·dSᵀ·q
// In cuBLASLt's column-major terms a row-major [T, hs] head is an hs x T matrix (ld hs) and a
// row-major [T, T] block a T x T matrix holding its transpose (ld T).
#include <cfloat>
#include <cmath>

#include "textclass/backend/cuda/cuda_check.cuh"
#include "textclass/backend/cuda/kernels.cuh"
#include "textclass/backend/cuda/launch.cuh"

namespace textclass::backend::cuda {
namespace {

// dst[part][b, h, t, d] = src[b, t, part, h, d] for parts tensors side by side in src ([B,T,parts·C]).
__global__ void split_heads_kernel(float* dst, const float* src, int parts, int B, int T, int C, int NH) {
  const int hs = C / NH;
  const std::size_t NC = static_cast<std::size_t>(B) * T * C, n = parts * NC;
  for (std::size_t i = thread_index(); i < n; i += grid_stride()) {
    // i walks src in order: row bt, then part, head, channel
    const std::size_t bt = i / (parts * static_cast<std::size_t>(C));
    const int within = static_cast<int>(i % (parts * static_cast<std::size_t>(C)));
    const int part = within / C, h = (within % C) / hs, d = within % hs;
    const std::size_t b = bt / T, t = bt % T;
    dst[part * NC + ((b * NH + h) * T + t) * hs + d] = src[i];
  }
}

// The inverse: dst[b, t, part, h, d] = src[part][b, h, t, d].
__global__ void merge_heads_kernel(float* dst, const float* src, int parts, int B, int T, int C, int NH) {
  const int hs = C / NH;
  const std::size_t NC = static_cast<std::size_t>(B) * T * C, n = parts * NC;
  for (std::size_t i = thread_index(); i < n; i += grid_stride()) {
    const std::size_t bt = i / (parts * static_cast<std::size_t>(C));
    const int within = static_cast<int>(i % (parts * static_cast<std::size_t>(C)));
    const int part = within / C, h = (within % C) / hs, d = within % hs;
    const std::size_t b = bt / T, t = bt % T;
    dst[i] = src[part * NC + ((b * NH + h) * T + t) * hs + d];
  }
}

// One warp per row of scores (B·NH·T rows of T): adds HF's padding bias (float's lowest, not -inf,
// so a row of padding stays finite) where mask is 0 and turns the row into probabilities. With
// dropout, also writes the dropped copy; an element's dropout index is its index in att.
__global__ void softmax_forward_kernel(float* att, float* dropped, const int32_t* mask, float p, uint64_t seed, int NH,
                                       int T, std::size_t rows) {
  const std::size_t row = static_cast<std::size_t>(blockIdx.x) * (blockDim.x / 32) + threadIdx.x / 32;
  const int lane = threadIdx.x % 32;
  if (row >= rows) return;
  float* a = att + row * T;
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
  const float keep_scale = 1.0f / (1.0f - p);
  for (int j = lane; j < T; j += 32) {
    a[j] *= inverse;
    if (dropped != nullptr) dropped[row * T + j] = dropout_uniform(seed, row * T + j) >= p ? a[j] * keep_scale : 0.0f;
  }
}

// dS = att ∘ (dP' - Σ_j att·dP'), dP' = dP ∘ keep/(1-p) = dP · dropped/att, written over dP. As on
// the CPU: ds_j = dP_j · P_j (P the dropped probabilities), then ds_j -= att_j · Σ ds.
__global__ void softmax_backward_kernel(float* dscores, const float* att, const float* dropped, int T,
                                        std::size_t rows) {
  const std::size_t row = static_cast<std::size_t>(blockIdx.x) * (blockDim.x / 32) + threadIdx.x / 32;
  const int lane = threadIdx.x % 32;
  if (row >= rows) return;
  float* ds = dscores + row * T;
  const float* a = att + row * T;
  const float* probs = dropped != nullptr ? dropped + row * T : a;
  float dot = 0.0f;
  for (int j = lane; j < T; j += 32) {
    ds[j] *= probs[j];
    dot += ds[j];
  }
  dot = warp_sum(dot);
  for (int j = lane; j < T; j += 32) ds[j] -= a[j] * dot;
}

constexpr int kWarpsPerBlock = 8;

unsigned row_blocks(std::size_t rows) { return static_cast<unsigned>((rows + kWarpsPerBlock - 1) / kWarpsPerBlock); }

float score_scale(int C, int NH) { return static_cast<float>(1.0 / std::sqrt(static_cast<double>(C / NH))); }

// The batched product over heads of row-major operands: out[bh] = s · lhs[bh] · rhs[bh] with each
// side [rows, cols] row-major, optionally transposed, strides the size of one head's block.
struct HeadProduct {
  const float* lhs;
  bool lhs_transposed;
  const float* rhs;
  bool rhs_transposed;
  float* out;
  int out_rows, out_cols, inner;  // out is [out_rows, out_cols]; inner the summed dimension
  float scale;
};

// Row-major out = lhs · rhs is column-major outᵀ = rhsᵀ · lhsᵀ: cuBLASLt's A is rhs and B is lhs.
void run_heads(Gemm& gemm, const HeadProduct& p, int heads) {
  GemmCall call;
  call.m = p.out_cols, call.n = p.out_rows, call.k = p.inner;
  call.a = p.rhs, call.transa = p.rhs_transposed, call.lda = p.rhs_transposed ? p.inner : p.out_cols;
  call.b = p.lhs, call.transb = p.lhs_transposed, call.ldb = p.lhs_transposed ? p.out_rows : p.inner;
  call.c = p.out, call.ldc = p.out_cols;
  call.alpha = p.scale;
  call.batch = heads;
  call.stride_a = static_cast<int64_t>(p.inner) * p.out_cols;
  call.stride_b = static_cast<int64_t>(p.out_rows) * p.inner;
  call.stride_c = static_cast<int64_t>(p.out_rows) * p.out_cols;
  gemm.run(call);
}

}  // namespace

void attention_forward(Gemm& gemm, Scratch& scratch, cudaStream_t stream, float* out, float* att, const float* qkv,
                       const int32_t* mask, float dropout_p, uint64_t seed, int B, int T, int C, int NH) {
  const int hs = C / NH, heads = B * NH;
  const std::size_t NC = static_cast<std::size_t>(B) * T * C, TT = static_cast<std::size_t>(T) * T;
  const std::size_t rows = static_cast<std::size_t>(heads) * T;
  if (NC == 0) return;
  const bool training = dropout_p > 0.0f;
  float* q = scratch.floats(4 * NC + (training ? heads * TT : 0));
  float* k = q + NC;
  float* v = k + NC;
  float* y = v + NC;
  float* dropped = training ? y + NC : nullptr;

  split_heads_kernel<<<blocks_for(3 * NC), kBlock, 0, stream>>>(q, qkv, 3, B, T, C, NH);
  check_launch("attention_forward (split heads)");
  run_heads(gemm, {q, false, k, true, att, T, T, hs, score_scale(C, NH)}, heads);  // q·kᵀ
  softmax_forward_kernel<<<row_blocks(rows), kWarpsPerBlock * 32, 0, stream>>>(att, dropped, mask, dropout_p, seed,
                                                                               NH, T, rows);
  check_launch("attention_forward (softmax)");
  run_heads(gemm, {training ? dropped : att, false, v, false, y, T, hs, T, 1.0f}, heads);  // P·v
  merge_heads_kernel<<<blocks_for(NC), kBlock, 0, stream>>>(out, y, 1, B, T, C, NH);
  check_launch("attention_forward (merge heads)");
}

void attention_backward(Gemm& gemm, Scratch& scratch, cudaStream_t stream, float* dqkv, const float* dout,
                        const float* qkv, const float* att, float dropout_p, uint64_t seed, int B, int T, int C,
                        int NH) {
  const int hs = C / NH, heads = B * NH;
  const std::size_t NC = static_cast<std::size_t>(B) * T * C, TT = static_cast<std::size_t>(T) * T;
  const std::size_t rows = static_cast<std::size_t>(heads) * T;
  if (NC == 0) return;
  const bool training = dropout_p > 0.0f;
  float* q = scratch.floats(7 * NC + heads * TT * (training ? 2 : 1));
  float* k = q + NC;
  float* v = k + NC;
  float* dy = v + NC;
  float* dq = dy + NC;  // dq, dk, dv side by side, the layout merge_heads turns into dqkv
  float* dk = dq + NC;
  float* dv = dk + NC;
  float* dscores = dv + NC;
  float* dropped = training ? dscores + heads * TT : nullptr;

  split_heads_kernel<<<blocks_for(3 * NC), kBlock, 0, stream>>>(q, qkv, 3, B, T, C, NH);
  check_launch("attention_backward (split heads)");
  split_heads_kernel<<<blocks_for(NC), kBlock, 0, stream>>>(dy, dout, 1, B, T, C, NH);
  check_launch("attention_backward (split dout)");
  if (training) dropout(stream, dropped, att, dropout_p, seed, heads * TT);
  const float* probs = training ? dropped : att;
  run_heads(gemm, {probs, true, dy, false, dv, T, hs, T, 1.0f}, heads);       // dv = Pᵀ·dy
  run_heads(gemm, {dy, false, v, true, dscores, T, T, hs, 1.0f}, heads);      // dP = dy·vᵀ
  softmax_backward_kernel<<<row_blocks(rows), kWarpsPerBlock * 32, 0, stream>>>(dscores, att, dropped, T, rows);
  check_launch("attention_backward (softmax)");
  const float s = score_scale(C, NH);
  run_heads(gemm, {dscores, false, k, false, dq, T, hs, T, s}, heads);        // dq = s·dS·k
  run_heads(gemm, {dscores, true, q, false, dk, T, hs, T, s}, heads);         // dk = s·dSᵀ·q
  merge_heads_kernel<<<blocks_for(3 * NC), kBlock, 0, stream>>>(dqkv, dq, 3, B, T, C, NH);
  check_launch("attention_backward (merge heads)");
}

}  // namespace textclass::backend::cuda
