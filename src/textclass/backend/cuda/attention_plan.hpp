#pragma once
// The CUDA backend's self-attention as a sequence of steps over scratch memory, in plain C++: the
// GPU runs it with kernels and cuBLASLt (attention.cu), and a test runs the same plan with host
// loops (tests/backend/cuda_plan_test.cpp), so the buffer layout, the split of the heads and every
// product's transposes are checked on machines without a GPU. After llm.c:
//   split_heads   qkv[B,T,3,NH,hs] -> q, k, v, each [B,NH,T,hs]
//   scores        att[bh] = s · q[bh] · k[bh]ᵀ            (s = hs^-0.5, [T,T] per head)
//   softmax       att = softmax(att + padding bias) per row, in place; a dropped copy when training
//   product       y[bh] = dropout(att[bh]) · v[bh]
//   merge_heads   y[B,NH,T,hs] -> out[B,T,NH·hs]
// The backward pass recomputes the split and the dropped copy instead of keeping them, and runs
//   dv = Pᵀ·dy,  dP = dy·vᵀ,  dS = att ∘ (dP' - Σ_j att·dP') with dP' = dP∘keep/(1-p),
//   dq = s·dS·k,  dk = s·dSᵀ·q
//
// Steps provides: split_heads(dst, src, parts), merge_heads(dst, src, parts) (B, T, C, NH as
// given to the plan), gemm(GemmCall), softmax_forward(att, dropped or null, mask, p, seed, rows),
// softmax_backward(dscores, att, dropped or null, rows), dropout(out, inp, p, seed, n); the seed is
// passed on as given (a uint64_t, or the GPU's Seed, seed.cuh).
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

// Scratch floats the passes need.
inline std::size_t attention_forward_scratch(const AttentionShape& s, bool training) {
  return 4 * s.NC() + (training ? s.scores() : 0);
}
inline std::size_t attention_backward_scratch(const AttentionShape& s, bool training) {
  return 7 * s.NC() + s.scores() * (training ? 2 : 1);
}

template <typename Steps, typename SeedT>
void attention_forward_plan(Steps& steps, float* scratch, float* out, float* att, const float* qkv,
                            const int32_t* mask, float dropout_p, SeedT seed, const AttentionShape& s) {
  const bool training = dropout_p > 0.0f;
  const std::size_t NC = s.NC();
  float* q = scratch;
  float* k = q + NC;
  float* v = k + NC;
  float* y = v + NC;
  float* dropped = training ? y + NC : nullptr;
  const int T = s.T, hs = s.hs();
  steps.split_heads(q, qkv, 3);
  steps.gemm(head_products({q, false, k, true, att, T, T, hs, s.scale()}, s.heads()));  // q·kᵀ
  steps.softmax_forward(att, dropped, mask, dropout_p, seed, s.rows());
  steps.gemm(head_products({training ? dropped : att, false, v, false, y, T, hs, T, 1.0f}, s.heads()));  // P·v
  steps.merge_heads(out, y, 1);
}

template <typename Steps, typename SeedT>
void attention_backward_plan(Steps& steps, float* scratch, float* dqkv, const float* dout, const float* qkv,
                             const float* att, float dropout_p, SeedT seed, const AttentionShape& s) {
  const bool training = dropout_p > 0.0f;
  const std::size_t NC = s.NC();
  float* q = scratch;
  float* k = q + NC;
  float* v = k + NC;
  float* dy = v + NC;
  float* dq = dy + NC;  // dq, dk, dv side by side: the layout merge_heads turns into dqkv
  float* dk = dq + NC;
  float* dv = dk + NC;
  float* dscores = dv + NC;
  float* dropped = training ? dscores + s.scores() : nullptr;
  const int T = s.T, hs = s.hs();
  steps.split_heads(q, qkv, 3);
  steps.split_heads(dy, dout, 1);
  if (training) steps.dropout(dropped, att, dropout_p, seed, s.scores());
  const float* probs = training ? dropped : att;
  steps.gemm(head_products({probs, true, dy, false, dv, T, hs, T, 1.0f}, s.heads()));   // dv = Pᵀ·dy
  steps.gemm(head_products({dy, false, v, true, dscores, T, T, hs, 1.0f}, s.heads()));  // dP = dy·vᵀ
  steps.softmax_backward(dscores, att, dropped, s.rows());
  steps.gemm(head_products({dscores, false, k, false, dq, T, hs, T, s.scale()}, s.heads()));  // dq = s·dS·k
  steps.gemm(head_products({dscores, true, q, false, dk, T, hs, T, s.scale()}, s.heads()));   // dk = s·dSᵀ·q
  steps.merge_heads(dqkv, dq, 3);
}

}  // namespace textclass::backend::cuda
