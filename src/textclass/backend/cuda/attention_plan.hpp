#pragma once
// The CUDA backend's self-attention as a sequence of steps over scratch memory, in plain C++: the
// GPU runs it with kernels and cuBLASLt (attention.cu), and a test runs the same plan with host
// loops (tests/backend/cuda_plan_test.cpp), so the buffer layout, the split of the heads and every
// product's transposes are checked on machines without a GPU. After llm.c:
//   split_heads   qkv[B,T,3,NH,hs] -> q, k, v, each [B,NH,T,hs]
//   scores        S[bh] = s · q[bh] · k[bh]ᵀ             (s = hs^-0.5, [T,T] per head, in scratch)
//   softmax       S = softmax(S + padding bias) per row, in place, then dropped out in place when
//                 training; each row's max and 1/sum are saved in stats[B,NH,T,2]
//   product       y[bh] = S[bh] · v[bh]
//   merge_heads   y[B,NH,T,hs] -> out[B,T,NH·hs]
// Only the statistics outlive the forward pass (2 floats a row where the probabilities are T): the
// backward pass recomputes the split and the scores S (the same product, so the same numbers), from
// which and the statistics its kernels recompute the probabilities P and the dropout mask as they
// go, and runs, in one more [T,T] buffer W per head:
//   W = P' = dropout(P);  dv = P'ᵀ·dy;  W = dP' = dy·vᵀ;
//   W = dS = P ∘ (dP - Σ_j P·dP) with dP = dP'∘keep/(1-p);  dq = s·dS·k,  dk = s·dSᵀ·q
//
// Steps provides: split_heads(dst, src, parts), merge_heads(dst, src, parts) (B, T, C, NH as
// given to the plan), gemm(GemmCall), softmax_forward(S, stats, mask, p, seed, rows) (dropout in
// place when p > 0), probabilities(out, S, stats, mask, p, seed, rows) (P' from S, out of place),
// softmax_backward(dscores, S, stats, mask, p, seed, rows) (dS over dP').
#include <cmath>
#include <cstddef>
#include <cstdint>

#include "textclass/backend/cuda/gemm_call.hpp"

namespace textclass::backend::cuda {

struct AttentionShape {
  int B, T, C, NH;
  int hs() const { return C / NH; }
  int heads() const { return B * NH; }
  std::size_t NC() const { return static_cast<std::size_t>(B) * T * C; }
  std::size_t scores() const { return static_cast<std::size_t>(heads()) * T * T; }
  std::size_t rows() const { return static_cast<std::size_t>(heads()) * T; }
  // HF's softmax scale, hs^-0.5 computed in double as Python does and rounded once.
  float scale() const { return static_cast<float>(1.0 / std::sqrt(static_cast<double>(hs()))); }
};

// Where a batch's tokens lie in the tensor-core attention's qkv, out, dout and dqkv: the model's
// packed rows (Backend::attention_forward), token t of batch row b at row starts[b] + t for its
// starts[b + 1] - starts[b] tokens (its mask a prefix); rows starts[B] .. rows - 1 are no token's
// (the kernels set them to zero in out and dqkv).
struct TokenRows {
  const int32_t* starts = nullptr;  // [B + 1], device memory
  int rows = 0;
};

// Floats of the statistics the forward pass saves for the backward pass (in att of
// Backend::attention_forward): each row's max and 1/sum.
inline std::size_t attention_stats_floats(const AttentionShape& s) { return 2 * s.rows(); }

// Scratch floats the passes need.
inline std::size_t attention_forward_scratch(const AttentionShape& s) {
  return 4 * s.NC() + s.scores();
}
inline std::size_t attention_backward_scratch(const AttentionShape& s) {
  return 7 * s.NC() + 2 * s.scores();
}

// q·kᵀ for every head, scaled: the forward and the backward pass make the same call.
inline GemmCall attention_scores(const float* q, const float* k, float* scores, const AttentionShape& s) {
  return head_products({q, false, k, true, scores, s.T, s.T, s.hs(), s.scale()}, s.heads());
}

template <typename Steps>
void attention_forward_plan(Steps& steps, float* scratch, float* out, float* stats, const float* qkv,
                            const int32_t* mask, float dropout_p, uint64_t seed, const AttentionShape& s) {
  const std::size_t NC = s.NC();
  float* q = scratch;
  float* k = q + NC;
  float* v = k + NC;
  float* y = v + NC;
  float* scores = y + NC;
  const int T = s.T, hs = s.hs();
  steps.split_heads(q, qkv, 3);
  steps.gemm(attention_scores(q, k, scores, s));
  steps.softmax_forward(scores, stats, mask, dropout_p, seed, s.rows());
  steps.gemm(head_products({scores, false, v, false, y, T, hs, T, 1.0f}, s.heads()));  // P'·v
  steps.merge_heads(out, y, 1);
}

template <typename Steps>
void attention_backward_plan(Steps& steps, float* scratch, float* dqkv, const float* dout, const float* qkv,
                             const float* stats, const int32_t* mask, float dropout_p, uint64_t seed,
                             const AttentionShape& s) {
  const std::size_t NC = s.NC();
  float* q = scratch;
  float* k = q + NC;
  float* v = k + NC;
  float* dy = v + NC;
  float* dq = dy + NC;  // dq, dk, dv side by side: the layout merge_heads turns into dqkv
  float* dk = dq + NC;
  float* dv = dk + NC;
  float* scores = dv + NC;
  float* work = scores + s.scores();  // P', then dP', then dS
  const int T = s.T, hs = s.hs();
  steps.split_heads(q, qkv, 3);
  steps.split_heads(dy, dout, 1);
  steps.gemm(attention_scores(q, k, scores, s));
  steps.probabilities(work, scores, stats, mask, dropout_p, seed, s.rows());
  steps.gemm(head_products({work, true, dy, false, dv, T, hs, T, 1.0f}, s.heads()));    // dv = P'ᵀ·dy
  steps.gemm(head_products({dy, false, v, true, work, T, T, hs, 1.0f}, s.heads()));     // dP' = dy·vᵀ
  steps.softmax_backward(work, scores, stats, mask, dropout_p, seed, s.rows());
  steps.gemm(head_products({work, false, k, false, dq, T, hs, T, s.scale()}, s.heads()));  // dq = s·dS·k
  steps.gemm(head_products({work, true, q, false, dk, T, hs, T, s.scale()}, s.heads()));   // dk = s·dSᵀ·q
  steps.merge_heads(dqkv, dq, 3);
}

}  // namespace textclass::backend::cuda
