#pragma once
// Self-attention for short sequences with nothing but each row's softmax statistics in global
// memory: the arithmetic of one row, in plain C++ that nvcc and the host compiler both read. The
// blocks of fused_attention_blocks.hpp stage a head's rows in shared memory and run these, a thread
// per row, on the GPU or, in a test, on the host.
//
// One head (b, h) of T tokens and HS channels, s = HS^-0.5, rows of q, k, v and dy at Rows::at(t).
// For query i and key j:
//   x_ij  = s·q_i·k_j + (mask_j ? 0 : lowest float)          HF's padding bias, as the CPU's
//   P_ij  = exp(x_ij - m_i) / l_i     m_i = max_j x_ij,  l_i = Σ_j exp(x_ij - m_i)
//   P'_ij = P_ij·keep_ij/(1-p)        keep_ij: dropout_uniform(seed, ((b·NH + h)·T + i)·T + j) >= p
//   y_i   = Σ_j P'_ij v_j                                    forward: saves m_i and 1/l_i (stats)
//   dP'_ij = dy_i·v_j     D_i = Σ_j P'_ij dP'_ij     dS_ij = P'_ij dP'_ij - P_ij D_i
//   dq_i = s Σ_j dS_ij k_j     dk_j = s Σ_i dS_ij q_i     dv_j = Σ_i P'_ij dy_i
// dS is the softmax backward of attention_plan.hpp written out: P∘(dP - Σ_j P·dP), dP = dP'·keep/(1-p).
// The query pass (dq and D_i) runs before the key pass (dk, dv), which reads every D_i.
//
// Vectors a thread owns (its q, or its k and v) and its sums live in registers as HS/4 Float4s; the
// rows every thread of a block reads at the same time (the keys in the forward pass) are read from
// memory four floats at a time, which the GPU serves as one broadcast.
#include <cfloat>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "textclass/backend/backend.hpp"

#if defined(__CUDA_ARCH__)  // nvcc's device pass (its host pass hands pragmas to the host compiler)
#define TEXTCLASS_UNROLL _Pragma("unroll")
#else
#define TEXTCLASS_UNROLL
#endif

namespace textclass::backend::cuda {

struct alignas(16) Float4 {
  float x, y, z, w;
};

// Four floats at p (16-byte aligned on the GPU, where it is one load).
TEXTCLASS_HOST_DEVICE inline Float4 load4(const float* p) {
#if defined(__CUDA_ARCH__)
  return *reinterpret_cast<const Float4*>(p);
#else
  Float4 f;
  std::memcpy(&f, p, sizeof f);
  return f;
#endif
}

TEXTCLASS_HOST_DEVICE inline void store4(float* p, Float4 f) {
#if defined(__CUDA_ARCH__)
  *reinterpret_cast<Float4*>(p) = f;
#else
  std::memcpy(p, &f, sizeof f);
#endif
}

// A vector of N floats in registers.
template <int N>
struct RegisterVector {
  static_assert(N % 4 == 0, "vectors are read four floats at a time");
  Float4 part[N / 4];

  TEXTCLASS_HOST_DEVICE static RegisterVector zero() {
    RegisterVector r;
    TEXTCLASS_UNROLL
    for (int c = 0; c < N / 4; c++) r.part[c] = Float4{0.0f, 0.0f, 0.0f, 0.0f};
    return r;
  }
  TEXTCLASS_HOST_DEVICE static RegisterVector load(const float* p) {
    RegisterVector r;
    TEXTCLASS_UNROLL
    for (int c = 0; c < N / 4; c++) r.part[c] = load4(p + 4 * c);
    return r;
  }
  TEXTCLASS_HOST_DEVICE void store(float* p) const {
    TEXTCLASS_UNROLL
    for (int c = 0; c < N / 4; c++) store4(p + 4 * c, part[c]);
  }
  // this · b[0, N), in four interleaved sums (the same order whichever side is in registers)
  TEXTCLASS_HOST_DEVICE float dot(const float* b) const {
    Float4 s{0.0f, 0.0f, 0.0f, 0.0f};
    TEXTCLASS_UNROLL
    for (int c = 0; c < N / 4; c++) {
      const Float4 v = load4(b + 4 * c);
      s.x += part[c].x * v.x;
      s.y += part[c].y * v.y;
      s.z += part[c].z * v.z;
      s.w += part[c].w * v.w;
    }
    return (s.x + s.y) + (s.z + s.w);
  }
  // this += a · b[0, N)
  TEXTCLASS_HOST_DEVICE void add_scaled(float a, const float* b) {
    TEXTCLASS_UNROLL
    for (int c = 0; c < N / 4; c++) {
      const Float4 v = load4(b + 4 * c);
      part[c].x += a * v.x;
      part[c].y += a * v.y;
      part[c].z += a * v.z;
      part[c].w += a * v.w;
    }
  }
  TEXTCLASS_HOST_DEVICE void scale(float a) {
    TEXTCLASS_UNROLL
    for (int c = 0; c < N / 4; c++) part[c] = Float4{a * part[c].x, a * part[c].y, a * part[c].z, a * part[c].w};
  }
};

// Row t of a head's q, k, v or dy: in qkv itself (stride 3C), or copied to shared memory (stride HS).
struct Rows {
  const float* data;
  std::size_t stride;
  TEXTCLASS_HOST_DEVICE const float* at(int t) const { return data + static_cast<std::size_t>(t) * stride; }
};

// What one head's rows share: its mask, dropout and scale.
struct HeadContext {
  int T;
  float scale;            // s = HS^-0.5
  const int32_t* mask;    // [T] of the head's batch row: 1 token, 0 padding
  bool any_token;         // some key is a token: then padded keys get exactly 0 and can be skipped
  float p;                // attention dropout
  uint64_t seed;
  std::size_t first;      // dropout index of (i, j) = (0, 0): (b·NH + h)·T·T

  // x_ij from q_i·k_j
  TEXTCLASS_HOST_DEVICE float score(float q_dot_k, int j) const {
    const float x = scale * q_dot_k;
    return mask[j] == 0 ? x + -FLT_MAX : x;
  }
  // Keys whose probability is exactly 0 for every query (padding, when the row has a token).
  TEXTCLASS_HOST_DEVICE bool skipped(int j) const { return any_token && mask[j] == 0; }
  // P'_ij / P_ij: 1/(1-p) if kept, else 0 (1 without dropout)
  TEXTCLASS_HOST_DEVICE float keep_factor(int i, int j) const {
    if (p == 0.0f) return 1.0f;
    const std::size_t index = first + static_cast<std::size_t>(i) * T + j;
    return dropout_uniform(seed, index) >= p ? 1.0f / (1.0f - p) : 0.0f;
  }
};

// Whether any of the T keys is a token.
TEXTCLASS_HOST_DEVICE inline bool has_token(const int32_t* mask, int T) {
  for (int j = 0; j < T; j++)
    if (mask[j] != 0) return true;
  return false;
}

// Query row i's output y_i (HS floats) and its statistics (m_i, 1/l_i).
template <int HS>
TEXTCLASS_HOST_DEVICE void attention_query_forward(float* y, float* stats, const float* q_row, Rows k, Rows v,
                                                   const HeadContext& head, int i) {
  const RegisterVector<HS> q = RegisterVector<HS>::load(q_row);
  float max = -FLT_MAX;
  for (int j = 0; j < head.T; j++)
    if (!head.skipped(j)) max = fmaxf(max, head.score(q.dot(k.at(j)), j));
  // y_i = (1/l_i) Σ_j exp(x_ij - m_i)·keep_ij/(1-p)·v_j: the sum and the weighted values in one pass
  float sum = 0.0f;
  RegisterVector<HS> acc = RegisterVector<HS>::zero();
  for (int j = 0; j < head.T; j++) {
    if (head.skipped(j)) continue;
    const float e = expf(head.score(q.dot(k.at(j)), j) - max);
    sum += e;
    acc.add_scaled(e * head.keep_factor(i, j), v.at(j));
  }
  const float inverse = 1.0f / sum;
  acc.scale(inverse);
  acc.store(y);
  stats[0] = max;
  stats[1] = inverse;
}

// Query row i's gradient dq_i, channels [first_channel, first_channel + OUT) (OUT divides HS: a
// GPU thread keeps q_i, dy_i and its sum in registers, so two threads share a row when HS is 64);
// returns D_i for the key pass.
template <int HS, int OUT>
TEXTCLASS_HOST_DEVICE float attention_query_backward(float* dq, int first_channel, const float* q_row,
                                                     const float* dy_row, const float* stats, Rows k, Rows v,
                                                     const HeadContext& head, int i) {
  const RegisterVector<HS> q = RegisterVector<HS>::load(q_row);
  const RegisterVector<HS> dy = RegisterVector<HS>::load(dy_row);
  const float max = stats[0], inverse = stats[1];
  float D = 0.0f;
  for (int j = 0; j < head.T; j++) {
    if (head.skipped(j)) continue;
    const float kept = expf(head.score(q.dot(k.at(j)), j) - max) * inverse * head.keep_factor(i, j);  // P'_ij
    D += kept * dy.dot(v.at(j));
  }
  RegisterVector<OUT> acc = RegisterVector<OUT>::zero();
  for (int j = 0; j < head.T; j++) {
    if (head.skipped(j)) continue;
    const float P = expf(head.score(q.dot(k.at(j)), j) - max) * inverse;
    const float dS = P * head.keep_factor(i, j) * dy.dot(v.at(j)) - P * D;
    acc.add_scaled(dS, k.at(j) + first_channel);
  }
  acc.scale(head.scale);
  acc.store(dq + first_channel);
  return D;
}

// Key row j's gradients dk_j and dv_j, channels [first_channel, first_channel + OUT) of each (a
// GPU thread keeps k_j, v_j and its two sums in registers). stats[2·i, 2·i+1] and D[i] are query i's.
template <int HS, int OUT>
TEXTCLASS_HOST_DEVICE void attention_key_backward(float* dk, float* dv, int first_channel, const float* k_row,
                                                  const float* v_row, Rows q, Rows dy, const float* stats,
                                                  const float* D, const HeadContext& head, int j) {
  RegisterVector<OUT> dk_acc = RegisterVector<OUT>::zero(), dv_acc = RegisterVector<OUT>::zero();
  if (!head.skipped(j)) {
    const RegisterVector<HS> k = RegisterVector<HS>::load(k_row);
    const RegisterVector<HS> v = RegisterVector<HS>::load(v_row);
    for (int i = 0; i < head.T; i++) {
      const float P = expf(head.score(k.dot(q.at(i)), j) - stats[2 * i]) * stats[2 * i + 1];
      const float kept = P * head.keep_factor(i, j);
      const float dS = kept * v.dot(dy.at(i)) - P * D[i];
      dv_acc.add_scaled(kept, dy.at(i) + first_channel);
      dk_acc.add_scaled(dS, q.at(i) + first_channel);
    }
  }
  dk_acc.scale(head.scale);
  dk_acc.store(dk + first_channel);
  dv_acc.store(dv + first_channel);
}

}  // namespace textclass::backend::cuda
