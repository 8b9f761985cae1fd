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
// The slices of vectors a thread owns (its q, or its k and v) and its sums live in registers as
// Float4s; the rows every row of a block reads at the same time (the keys in the forward pass) are
// read from shared memory four floats at a time, which the GPU serves as broadcasts.
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

// Which of a row's channels a thread holds when `parts` threads share the row: the float4 chunks
// part, part + parts, part + 2·parts, ... (interleaved, so that the threads sharing a row read
// neighbouring 16 bytes of shared memory at once). {0, 1}: the whole row.
struct Slice {
  int part, parts;
  TEXTCLASS_HOST_DEVICE const float* chunk(const float* row, int c) const { return row + 4 * (c * parts + part); }
  TEXTCLASS_HOST_DEVICE float* chunk(float* row, int c) const { return row + 4 * (c * parts + part); }
};

// N of a row's floats in registers: the chunks of a Slice.
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
  TEXTCLASS_HOST_DEVICE static RegisterVector load(const float* row, Slice slice) {
    RegisterVector r;
    TEXTCLASS_UNROLL
    for (int c = 0; c < N / 4; c++) r.part[c] = load4(slice.chunk(row, c));
    return r;
  }
  TEXTCLASS_HOST_DEVICE void store(float* row, Slice slice) const {
    TEXTCLASS_UNROLL
    for (int c = 0; c < N / 4; c++) store4(slice.chunk(row, c), part[c]);
  }
  // this · the slice of row, in four interleaved sums
  TEXTCLASS_HOST_DEVICE float dot(const float* row, Slice slice) const {
    Float4 s{0.0f, 0.0f, 0.0f, 0.0f};
    TEXTCLASS_UNROLL
    for (int c = 0; c < N / 4; c++) {
      const Float4 v = load4(slice.chunk(row, c));
      s.x += part[c].x * v.x;
      s.y += part[c].y * v.y;
      s.z += part[c].z * v.z;
      s.w += part[c].w * v.w;
    }
    return (s.x + s.y) + (s.z + s.w);
  }
  // this += a · the slice of row
  TEXTCLASS_HOST_DEVICE void add_scaled(float a, const float* row, Slice slice) {
    TEXTCLASS_UNROLL
    for (int c = 0; c < N / 4; c++) {
      const Float4 v = load4(slice.chunk(row, c));
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

// The row functions below run in each of the threads that share a row, each with its Slice of
// OUT channels; sum(x) adds x over those threads (every one of them gets the same bits), so that
// each q_i·k_j is the sum of their partial products. They loop over the same keys or queries in
// every thread of a block, so that sum can be a warp shuffle or a barrier.

// Query row i: its output y_i (the slice's channels) and statistics (m_i, 1/l_i).
template <int OUT>
struct QueryForward {
  RegisterVector<OUT> y;
  float max, inverse;
};
template <int OUT, typename Sum>
TEXTCLASS_HOST_DEVICE QueryForward<OUT> attention_query_forward(const float* q_row, Rows k, Rows v,
                                                                const HeadContext& head, int i, Slice slice,
                                                                const Sum& sum) {
  const RegisterVector<OUT> q = RegisterVector<OUT>::load(q_row, slice);
  float max = -FLT_MAX;
  for (int j = 0; j < head.T; j++)
    if (!head.skipped(j)) max = fmaxf(max, head.score(sum(q.dot(k.at(j), slice)), j));
  // y_i = (1/l_i) Σ_j exp(x_ij - m_i)·keep_ij/(1-p)·v_j: the sum and the weighted values in one pass
  float total = 0.0f;
  RegisterVector<OUT> acc = RegisterVector<OUT>::zero();
  for (int j = 0; j < head.T; j++) {
    if (head.skipped(j)) continue;
    const float e = expf(head.score(sum(q.dot(k.at(j), slice)), j) - max);
    total += e;
    acc.add_scaled(e * head.keep_factor(i, j), v.at(j), slice);
  }
  const float inverse = 1.0f / total;
  acc.scale(inverse);
  return {acc, max, inverse};
}

// Query row i: its gradient dq_i (the slice's channels) and D_i for the key pass.
template <int OUT>
struct QueryBackward {
  RegisterVector<OUT> dq;
  float D;
};
template <int OUT, typename Sum>
TEXTCLASS_HOST_DEVICE QueryBackward<OUT> attention_query_backward(const float* q_row, const float* dy_row,
                                                                  const float* stats, Rows k, Rows v,
                                                                  const HeadContext& head, int i, Slice slice,
                                                                  const Sum& sum) {
  const RegisterVector<OUT> q = RegisterVector<OUT>::load(q_row, slice);
  const RegisterVector<OUT> dy = RegisterVector<OUT>::load(dy_row, slice);
  const float max = stats[0], inverse = stats[1];
  float D = 0.0f;
  for (int j = 0; j < head.T; j++) {
    if (head.skipped(j)) continue;
    const float kept =  // P'_ij
        expf(head.score(sum(q.dot(k.at(j), slice)), j) - max) * inverse * head.keep_factor(i, j);
    D += kept * sum(dy.dot(v.at(j), slice));
  }
  RegisterVector<OUT> acc = RegisterVector<OUT>::zero();
  for (int j = 0; j < head.T; j++) {
    if (head.skipped(j)) continue;
    const float P = expf(head.score(sum(q.dot(k.at(j), slice)), j) - max) * inverse;
    const float dS = P * head.keep_factor(i, j) * sum(dy.dot(v.at(j), slice)) - P * D;
    acc.add_scaled(dS, k.at(j), slice);
  }
  acc.scale(head.scale);
  return {acc, D};
}

// Key row j: its gradients dk_j and dv_j (the slice's channels). stats[2·i, 2·i+1] and D[i] are
// query i's. A skipped key's gradients are 0; it is walked all the same, as the other threads' keys.
template <int OUT>
struct KeyBackward {
  RegisterVector<OUT> dk, dv;
};
template <int OUT, typename Sum>
TEXTCLASS_HOST_DEVICE KeyBackward<OUT> attention_key_backward(const float* k_row, const float* v_row, Rows q, Rows dy,
                                                              const float* stats, const float* D,
                                                              const HeadContext& head, int j, Slice slice,
                                                              const Sum& sum) {
  const RegisterVector<OUT> k = RegisterVector<OUT>::load(k_row, slice);
  const RegisterVector<OUT> v = RegisterVector<OUT>::load(v_row, slice);
  RegisterVector<OUT> dk = RegisterVector<OUT>::zero(), dv = RegisterVector<OUT>::zero();
  for (int i = 0; i < head.T; i++) {
    const float P = expf(head.score(sum(k.dot(q.at(i), slice)), j) - stats[2 * i]) * stats[2 * i + 1];
    const float kept = P * head.keep_factor(i, j);
    const float dS = kept * sum(v.dot(dy.at(i), slice)) - P * D[i];
    dv.add_scaled(kept, dy.at(i), slice);
    dk.add_scaled(dS, q.at(i), slice);
  }
  if (head.skipped(j)) return {RegisterVector<OUT>::zero(), RegisterVector<OUT>::zero()};
  dk.scale(head.scale);
  return {dk, dv};
}

}  // namespace textclass::backend::cuda
