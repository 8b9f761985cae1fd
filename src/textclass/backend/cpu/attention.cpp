#include "textclass/backend/cpu/attention.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>

#include "textclass/backend/backend.hpp"
#include "textclass/backend/cpu/gemm.hpp"
#include "textclass/backend/cpu/vector_math.hpp"

namespace textclass::backend::cpu {
namespace {

// One head of one row of the batch: its L tokens' slice of qkv (query at q, key at q + C, value at
// q + 2C, rows 3C apart) and of out, and its [T,T] block of probabilities (row stride T).
struct Head {
  int L;                   // the row's tokens
  std::size_t qkv_offset;  // of the first token's query in qkv (and dqkv)
  std::size_t out_offset;  // of the first token's head channels in out (and dout)
  std::size_t att_offset;  // of the [T,T] block in att, also the dropout index of its first element
};

Head head_at(const int32_t* starts, int bh, int T, int C, int NH) {
  const int b = bh / NH, h = bh % NH, hs = C / NH;
  const std::size_t row = static_cast<std::size_t>(starts[b]);
  return {starts[b + 1] - starts[b], row * 3 * C + static_cast<std::size_t>(h) * hs,
          row * C + static_cast<std::size_t>(h) * hs, static_cast<std::size_t>(bh) * T * T};
}

// HF's softmax scale, hs^-0.5 computed in double as Python does and rounded once.
float score_scale(int C, int NH) { return static_cast<float>(1.0 / std::sqrt(static_cast<double>(C / NH))); }

// Softmax of each of the L rows of length L of a block whose rows are T apart.
[[gnu::always_inline]] inline void softmax_rows(float* a, int L, int T) {
  for (int i = 0; i < L; i++) {
    float* row = a + static_cast<std::size_t>(i) * T;
    float max = row[0];
#pragma omp simd reduction(max : max)
    for (int j = 1; j < L; j++) max = std::max(max, row[j]);
    float sum = 0.0f;
#pragma omp simd reduction(+ : sum)
    for (int j = 0; j < L; j++) {
      row[j] = exp_vectorizable(row[j] - max);
      sum += row[j];
    }
    const float inverse = 1.0f / sum;
#pragma omp simd
    for (int j = 0; j < L; j++) row[j] *= inverse;
  }
}

// The softmax's backward pass for an L x L head, in place on dscores (packed L x L): from
// dP = dscores, P' = probs (after dropout, rows ld apart) and P = a (rows T apart),
// dscores = dP ⊙ P' - P · rowsum(dP ⊙ P').
[[gnu::always_inline]] inline void softmax_backward_rows(float* dscores, const float* probs, int ld, const float* a,
                                                         int T, int L) {
  for (int i = 0; i < L; i++) {
    float* ds = dscores + static_cast<std::size_t>(i) * L;
    const float* p = probs + static_cast<std::size_t>(i) * ld;
    const float* ai = a + static_cast<std::size_t>(i) * T;
    float dot = 0.0f;
#pragma omp simd reduction(+ : dot)
    for (int j = 0; j < L; j++) {
      ds[j] *= p[j];
      dot += ds[j];
    }
#pragma omp simd
    for (int j = 0; j < L; j++) ds[j] -= ai[j] * dot;
  }
}

// dst = src · keep / (1-p) for an L x L block of rows T apart, whose first element has dropout index
// `first` (dst packed L x L).
[[gnu::always_inline]] inline void dropout_block(float* dst, const float* src, float p, uint64_t seed,
                                                 std::size_t first, int L, int T) {
  const float keep_scale = 1.0f / (1.0f - p);
  for (int i = 0; i < L; i++) {
    const std::size_t row = static_cast<std::size_t>(i) * T;
#pragma omp simd
    for (int j = 0; j < L; j++)
      dst[i * L + j] = dropout_uniform(seed, first + row + j) >= p ? src[row + j] * keep_scale : 0.0f;
  }
}

std::size_t probability_floats(int B, int T, int NH) { return static_cast<std::size_t>(B) * NH * T * T; }

// The rows that are no token's.
void zero_tail(float* x, const int32_t* starts, int B, int M, int width) {
  std::fill(x + static_cast<std::size_t>(starts[B]) * width, x + static_cast<std::size_t>(M) * width, 0.0f);
}

}  // namespace

std::size_t attention_saved_floats(int B, int T, int C, int NH) {
  return probability_floats(B, T, NH) + static_cast<std::size_t>(B) * T * 3 * C;
}

void attention_forward(float* out, float* att, const float* qkv, const int32_t* starts, int M, float dropout_p,
                       uint64_t seed, int B, int T, int C, int NH, Isa isa) {
  const auto softmax = IsaVariants<softmax_rows>::pick(isa);
  const auto apply_dropout = IsaVariants<dropout_block>::pick(isa);
  const int hs = C / NH, C3 = 3 * C;
  const float scale = score_scale(C, NH);
  const std::size_t TT = static_cast<std::size_t>(T) * T;
  if (att != nullptr)  // the tokens' rows of qkv, for the backward pass
    std::copy(qkv, qkv + static_cast<std::size_t>(starts[B]) * C3, att + probability_floats(B, T, NH));
  zero_tail(out, starts, B, M, C);
#pragma omp parallel
  {
    std::vector<float> dropped(dropout_p > 0.0f ? TT : 0);
    std::vector<float> unsaved(att == nullptr ? TT : 0);  // the probabilities, where none are saved
#pragma omp for schedule(dynamic)
    for (int bh = 0; bh < B * NH; bh++) {
      const Head head = head_at(starts, bh, T, C, NH);
      const int L = head.L;
      if (L == 0) continue;
      const float* q = qkv + head.qkv_offset;
      float* a = att != nullptr ? att + head.att_offset : unsaved.data();
      gemm(Op::none, Op::transpose, L, L, hs, scale, q, C3, q + C, C3, 0.0f, a, T);
      softmax(a, L, T);
      const float* probs = a;
      int ld = T;
      if (dropout_p > 0.0f) {
        apply_dropout(dropped.data(), a, dropout_p, seed, head.att_offset, L, T);
        probs = dropped.data();
        ld = L;
      }
      gemm(Op::none, Op::none, L, hs, L, 1.0f, probs, ld, q + 2 * C, C3, 0.0f,
                  out + head.out_offset, C);
    }
  }
}

void attention_backward(float* dqkv, const float* dout, const float* att, const int32_t* starts, int M,
                        float dropout_p, uint64_t seed, int B, int T, int C, int NH, Isa isa) {
  const auto softmax_backward = IsaVariants<softmax_backward_rows>::pick(isa);
  const auto apply_dropout = IsaVariants<dropout_block>::pick(isa);
  const int hs = C / NH, C3 = 3 * C;
  const float scale = score_scale(C, NH);
  const std::size_t TT = static_cast<std::size_t>(T) * T;
  const float* qkv = att + probability_floats(B, T, NH);  // the forward pass's copy
  zero_tail(dqkv, starts, B, M, C3);
#pragma omp parallel
  {
    std::vector<float> dropped(dropout_p > 0.0f ? TT : 0);
    std::vector<float> dscores(TT);
#pragma omp for schedule(dynamic)
    for (int bh = 0; bh < B * NH; bh++) {
      const Head head = head_at(starts, bh, T, C, NH);
      const int L = head.L;
      if (L == 0) continue;
      const float* q = qkv + head.qkv_offset;
      const float* a = att + head.att_offset;
      const float* d = dout + head.out_offset;
      float* dq = dqkv + head.qkv_offset;
      const float* probs = a;
      int ld = T;
      if (dropout_p > 0.0f) {
        apply_dropout(dropped.data(), a, dropout_p, seed, head.att_offset, L, T);
        probs = dropped.data();
        ld = L;
      }
      // dv = Pᵀ · dout,  dP = dout · vᵀ (into dscores [L,L], which it becomes in place)
      gemm(Op::transpose, Op::none, L, hs, L, 1.0f, probs, ld, d, C, 0.0f, dq + 2 * C, C3);
      gemm(Op::none, Op::transpose, L, L, hs, 1.0f, d, C, q + 2 * C, C3, 0.0f, dscores.data(),
                  L);
      softmax_backward(dscores.data(), probs, ld, a, T, L);
      // dq = s · dscores · k,  dk = s · dscoresᵀ · q
      gemm(Op::none, Op::none, L, hs, L, scale, dscores.data(), L, q + C, C3, 0.0f, dq,
                  C3);
      gemm(Op::transpose, Op::none, L, hs, L, scale, dscores.data(), L, q, C3, 0.0f, dq + C, C3);
    }
  }
}

}  // namespace textclass::backend::cpu
