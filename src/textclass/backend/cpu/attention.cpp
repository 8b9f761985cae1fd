#include "textclass/backend/cpu/attention.hpp"

#include <cblas.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <vector>

#include "textclass/backend/backend.hpp"
#include "textclass/backend/cpu/vector_math.hpp"

namespace textclass::backend::cpu {
namespace {

// One head's slice of qkv for row b: query at q, key at q + C, value at q + 2C, rows 3C apart.
struct Head {
  std::size_t qkv_offset;  // of the query in qkv (and dqkv)
  std::size_t out_offset;  // of the head's channels in out (and dout)
  std::size_t att_offset;  // of the [T,T] block in att, also the dropout index of its first element
};

Head head_at(int bh, int T, int C, int NH) {
  const int b = bh / NH, h = bh % NH, hs = C / NH;
  const std::size_t row = static_cast<std::size_t>(b) * T;
  return {row * 3 * C + static_cast<std::size_t>(h) * hs, row * C + static_cast<std::size_t>(h) * hs,
          static_cast<std::size_t>(bh) * T * T};
}

// HF's softmax scale, hs^-0.5 computed in double as Python does and rounded once.
float score_scale(int C, int NH) { return static_cast<float>(1.0 / std::sqrt(static_cast<double>(C / NH))); }

// Adds the padding bias to one row of scores and turns it into probabilities in place. The bias is
// HF's finite lowest float, not -inf: padded keys still get exactly 0 (their exp underflows), and a
// row with every key padded stays finite (uniform) as in HF instead of 0/0.
void masked_softmax(float* row, const int32_t* mask, int T) {
  float max = std::numeric_limits<float>::lowest();
  for (int j = 0; j < T; j++) {
    if (mask[j] == 0) row[j] += std::numeric_limits<float>::lowest();
    max = std::max(max, row[j]);
  }
  float sum = 0.0f;
#pragma omp simd reduction(+ : sum)
  for (int j = 0; j < T; j++) {
    row[j] = exp_vectorizable(row[j] - max);
    sum += row[j];
  }
  const float inverse = 1.0f / sum;
  for (int j = 0; j < T; j++) row[j] *= inverse;
}

// dst = src · keep / (1-p) for one [T,T] block whose first element has dropout index `first`.
void apply_dropout(float* dst, const float* src, float p, uint64_t seed, std::size_t first, std::size_t n) {
  const float keep_scale = 1.0f / (1.0f - p);
#pragma omp simd
  for (std::size_t i = 0; i < n; i++) dst[i] = dropout_uniform(seed, first + i) >= p ? src[i] * keep_scale : 0.0f;
}

}  // namespace

void attention_forward(float* out, float* att, const float* qkv, const int32_t* mask, float dropout_p, uint64_t seed,
                       int B, int T, int C, int NH) {
  const int hs = C / NH, C3 = 3 * C;
  const float scale = score_scale(C, NH);
  const std::size_t TT = static_cast<std::size_t>(T) * T;
#pragma omp parallel
  {
    std::vector<float> dropped(dropout_p > 0.0f ? TT : 0);
    std::vector<float> unsaved(att == nullptr ? TT : 0);  // the probabilities, where none are saved
#pragma omp for schedule(static)
    for (int bh = 0; bh < B * NH; bh++) {
      const Head head = head_at(bh, T, C, NH);
      const float* q = qkv + head.qkv_offset;
      float* a = att != nullptr ? att + head.att_offset : unsaved.data();
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, T, T, hs, scale, q, C3, q + C, C3, 0.0f, a, T);
      const int32_t* row_mask = mask + static_cast<std::size_t>(bh / NH) * T;
      for (int i = 0; i < T; i++) masked_softmax(a + static_cast<std::size_t>(i) * T, row_mask, T);
      const float* probs = a;
      if (dropout_p > 0.0f) {
        apply_dropout(dropped.data(), a, dropout_p, seed, head.att_offset, TT);
        probs = dropped.data();
      }
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, T, hs, T, 1.0f, probs, T, q + 2 * C, C3, 0.0f,
                  out + head.out_offset, C);
    }
  }
}

void attention_backward(float* dqkv, const float* dout, const float* qkv, const float* att,
                        const int32_t* /*mask: already in att as zeros*/, float dropout_p, uint64_t seed, int B, int T,
                        int C, int NH) {
  const int hs = C / NH, C3 = 3 * C;
  const float scale = score_scale(C, NH);
  const std::size_t TT = static_cast<std::size_t>(T) * T;
#pragma omp parallel
  {
    std::vector<float> dropped(dropout_p > 0.0f ? TT : 0);
    std::vector<float> dscores(TT);
#pragma omp for schedule(static)
    for (int bh = 0; bh < B * NH; bh++) {
      const Head head = head_at(bh, T, C, NH);
      const float* q = qkv + head.qkv_offset;
      const float* a = att + head.att_offset;
      const float* d = dout + head.out_offset;
      float* dq = dqkv + head.qkv_offset;
      const float* probs = a;
      if (dropout_p > 0.0f) {
        apply_dropout(dropped.data(), a, dropout_p, seed, head.att_offset, TT);
        probs = dropped.data();
      }
      // dv = Pᵀ · dout,  dP = dout · vᵀ (into dscores, which it becomes in place)
      cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, T, hs, T, 1.0f, probs, T, d, C, 0.0f, dq + 2 * C, C3);
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, T, T, hs, 1.0f, d, C, q + 2 * C, C3, 0.0f, dscores.data(),
                  T);
      for (int i = 0; i < T; i++) {
        const std::size_t row = static_cast<std::size_t>(i) * T;
        float* ds = dscores.data() + row;
        float dot = 0.0f;
#pragma omp simd reduction(+ : dot)
        for (int j = 0; j < T; j++) {
          ds[j] *= probs[row + j];
          dot += ds[j];
        }
#pragma omp simd
        for (int j = 0; j < T; j++) ds[j] -= a[row + j] * dot;
      }
      // dq = s · dscores · k,  dk = s · dscoresᵀ · q
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, T, hs, T, scale, dscores.data(), T, q + C, C3, 0.0f, dq,
                  C3);
      cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, T, hs, T, scale, dscores.data(), T, q, C3, 0.0f, dq + C, C3);
    }
  }
}

}  // namespace textclass::backend::cpu
