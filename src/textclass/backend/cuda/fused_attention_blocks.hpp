#pragma once
// What one block of each fused attention kernel does (fused_attention.cuh), written against a Block
// so that the host can run it too: fused_attention.cu runs it as CUDA kernels, and a test runs each
// block's threads as host threads that meet at a barrier (tests/backend/fused_attention_test.cpp),
// which checks the staging, the grid's mapping to heads and rows, and the split of channels between
// threads on machines without a GPU. A Block provides
//   x(), y()        the block's index in the grid (x: a tile of rows, y: the head b·NH + h)
//   thread()        this thread's index in the block, of threads()
//   shared()        the block's shared memory, 16-byte aligned (floats)
//   sync_or(v)      a barrier for the block's threads; true if v was nonzero in any of them
// A block stages two of its head's tensors in shared memory (2·T·HS floats), then runs the row
// functions of fused_attention_rows.hpp, a thread per row (two per row in the backward pass at
// HS = 64, each with half of the row's channels).
#include <cstddef>
#include <cstdint>

#include "textclass/backend/cuda/fused_attention_rows.hpp"

#if defined(__CUDACC__)
#define TEXTCLASS_DEVICE __device__
#else
#define TEXTCLASS_DEVICE
#endif

namespace textclass::backend::cuda {

// The backward kernels give each thread kFusedOut<HS> channels of its row's gradients, so that its
// vectors and sums fit in registers: two threads share a row at HS = 64 (one had 255 registers and
// spilled).
template <int HS>
constexpr int kFusedParts = HS >= 64 ? 2 : 1;
template <int HS>
constexpr int kFusedOut = HS / kFusedParts<HS>;

// How the kernels are launched for T tokens: threads per block, and the tiles of rows that make
// the grid's x. Every block stages its whole head, so longer sequences (whose heads fill more of
// the shared memory, leaving room for fewer blocks) get more rows per block.
constexpr int kMaxFusedAttentionThreads = 256;
struct FusedAttentionLaunch {
  int threads, forward_tiles, backward_tiles;
};
template <int HS>
inline FusedAttentionLaunch fused_attention_launch(int T) {
  const int threads = T <= 128 ? 64 : T <= 256 ? 128 : kMaxFusedAttentionThreads;
  const int backward_rows = threads / kFusedParts<HS>;
  return {threads, (T + threads - 1) / threads, (T + backward_rows - 1) / backward_rows};
}

// Floats of shared memory a block needs.
inline std::size_t fused_attention_shared_floats(int T, int HS) { return 2 * static_cast<std::size_t>(T) * HS; }

// The tensors and numbers the kernels are given.
struct FusedAttentionArgs {
  const float* qkv;      // [B,T,3C]: q, k, v side by side
  const int32_t* mask;   // [B,T]: 1 token, 0 padding
  float* out;            // [B,T,C]: forward
  float* stats_out;      // [B,NH,T,2]: each row's max and 1/sum, forward
  const float* stats;    // the same, backward
  const float* dout;     // [B,T,C]: backward
  float* dqkv;           // [B,T,3C]: backward, overwritten
  float* D;              // [B,NH,T]: backward scratch, D_i from the query pass for the key pass
  float p;               // attention dropout
  uint64_t seed;
  float scale;           // HS^-0.5
  int T, C, NH;
};

// Where head bh = b·NH + h starts in qkv and dqkv (its query at +0, key at +C, value at +2C, rows 3C
// apart), and in out and dout (rows C apart).
template <int HS>
struct HeadAt {
  int b;
  std::size_t bh, qkv, out, width;
  TEXTCLASS_HOST_DEVICE HeadAt(int head, const FusedAttentionArgs& a)
      : b(head / a.NH),
        bh(static_cast<std::size_t>(head)),
        qkv(static_cast<std::size_t>(b) * a.T * 3 * a.C + static_cast<std::size_t>(head % a.NH) * HS),
        out(static_cast<std::size_t>(b) * a.T * a.C + static_cast<std::size_t>(head % a.NH) * HS),
        width(3 * static_cast<std::size_t>(a.C)) {}
};

// Two of a head's tensors, from a and b (rows a_stride and b_stride apart), copied into the block's
// shared memory four floats at a time, T rows of HS floats each.
struct StagedPair {
  Rows first, second;
};
template <int HS, typename Block>
TEXTCLASS_DEVICE StagedPair stage_pair(Block& block, const float* a, std::size_t a_stride, const float* b,
                                       std::size_t b_stride, int T) {
  float* first = block.shared();
  float* second = first + T * HS;
  for (int e = 4 * block.thread(); e < T * HS; e += 4 * block.threads()) {
    const std::size_t row = e / HS, channel = e % HS;
    store4(first + e, load4(a + row * a_stride + channel));
    store4(second + e, load4(b + row * b_stride + channel));
  }
  return {Rows{first, HS}, Rows{second, HS}};
}

// The head's context; also the barrier after the staging.
template <int HS, typename Block>
TEXTCLASS_DEVICE HeadContext head_context(Block& block, const HeadAt<HS>& at, const FusedAttentionArgs& a) {
  const int32_t* row_mask = a.mask + static_cast<std::size_t>(at.b) * a.T;
  int token = 0;
  for (int j = block.thread(); j < a.T; j += block.threads()) token |= row_mask[j] != 0;
  const bool any_token = block.sync_or(token);
  return HeadContext{a.T, a.scale, row_mask, any_token, a.p, a.seed, at.bh * a.T * a.T};
}

// Forward: out and stats of query row x·threads + thread.
template <int HS, typename Block>
TEXTCLASS_DEVICE void fused_attention_forward_block(Block& block, const FusedAttentionArgs& a) {
  const HeadAt<HS> at(block.y(), a);
  const float* q = a.qkv + at.qkv;
  const auto [k, v] = stage_pair<HS>(block, q + a.C, at.width, q + 2 * a.C, at.width, a.T);
  const HeadContext head = head_context(block, at, a);
  const int i = block.x() * block.threads() + block.thread();
  if (i >= a.T) return;
  attention_query_forward<HS>(a.out + at.out + static_cast<std::size_t>(i) * a.C, a.stats_out + 2 * (at.bh * a.T + i),
                              q + i * at.width, k, v, head, i);
}

// Backward, queries: with rows = threads / kFusedParts, dq and D of query row x·rows + thread mod
// rows, channels from (thread / rows)·kFusedOut on (a warp's threads share their part).
template <int HS, typename Block>
TEXTCLASS_DEVICE void fused_attention_query_backward_block(Block& block, const FusedAttentionArgs& a) {
  const HeadAt<HS> at(block.y(), a);
  const float* q = a.qkv + at.qkv;
  const auto [k, v] = stage_pair<HS>(block, q + a.C, at.width, q + 2 * a.C, at.width, a.T);
  const HeadContext head = head_context(block, at, a);
  const int rows = block.threads() / kFusedParts<HS>;
  const int i = block.x() * rows + block.thread() % rows, part = block.thread() / rows;
  if (i >= a.T) return;
  const std::size_t row = at.bh * a.T + i;
  const float D_i = attention_query_backward<HS, kFusedOut<HS>>(
      a.dqkv + at.qkv + i * at.width, part * kFusedOut<HS>, q + i * at.width,
      a.dout + at.out + static_cast<std::size_t>(i) * a.C, a.stats + 2 * row, k, v, head, i);
  if (part == 0) a.D[row] = D_i;
}

// Backward, keys: dk and dv of key row x·rows + thread mod rows, channels as above.
template <int HS, typename Block>
TEXTCLASS_DEVICE void fused_attention_key_backward_block(Block& block, const FusedAttentionArgs& a) {
  const HeadAt<HS> at(block.y(), a);
  const float* qkv = a.qkv + at.qkv;
  const auto [q, dy] = stage_pair<HS>(block, qkv, at.width, a.dout + at.out, a.C, a.T);
  const HeadContext head = head_context(block, at, a);
  const int rows = block.threads() / kFusedParts<HS>;
  const int j = block.x() * rows + block.thread() % rows, part = block.thread() / rows;
  if (j >= a.T) return;
  float* d_row = a.dqkv + at.qkv + j * at.width;  // dq_j, then dk_j at +C and dv_j at +2C
  attention_key_backward<HS, kFusedOut<HS>>(d_row + a.C, d_row + 2 * a.C, part * kFusedOut<HS>,
                                            qkv + j * at.width + a.C, qkv + j * at.width + 2 * a.C, q, dy,
                                            a.stats + 2 * at.bh * a.T, a.D + at.bh * a.T, head, j);
}

}  // namespace textclass::backend::cuda
