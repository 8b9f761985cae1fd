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
//   sum_parts(x, n) x added over the n neighbouring threads (thread / n the same) that share a
//                   row, by the butterfly of a warp shuffle, so each gets the same bits; every
//                   thread of the block calls it, and as often
// A block stages two of its head's tensors in shared memory (2·T·HS floats), then runs the row
// functions of fused_attention_rows.hpp, kFusedParts threads per row, each with a slice of the
// row's channels.
#include <cstddef>
#include <cstdint>

#include "textclass/backend/cuda/fused_attention_rows.hpp"

#if defined(__CUDACC__)
#define TEXTCLASS_DEVICE __device__
#else
#define TEXTCLASS_DEVICE
#endif

namespace textclass::backend::cuda {

// kFusedParts<HS> threads share each row, each with kFusedOut<HS> of its channels (a Slice): 16
// channels a thread, so that there are enough threads to fill the GPU (a thread a row gave about 6
// warps an SM at batch 16 and 250 registers a thread at HS = 64).
template <int HS>
constexpr int kFusedParts = HS >= 32 ? HS / 16 : 1;
template <int HS>
constexpr int kFusedOut = HS / kFusedParts<HS>;

// How the kernels are launched for T tokens: threads per block (64, 128 or 256, a whole number of
// warps, enough for the head's rows where they fit), and the tiles of rows that make the grid's x.
constexpr int kMaxFusedAttentionThreads = 256;
struct FusedAttentionLaunch {
  int threads, tiles;
};
template <int HS>
inline FusedAttentionLaunch fused_attention_launch(int T) {
  const int wanted = kFusedParts<HS> * T;
  const int threads = wanted <= 64 ? 64 : wanted <= 128 ? 128 : kMaxFusedAttentionThreads;
  const int rows = threads / kFusedParts<HS>;
  return {threads, (T + rows - 1) / rows};
}

// A thread's row in its block's tile and its slice of that row's channels: the threads sharing a
// row are neighbours (so a warp shuffle can sum over them). A tile past the last row gives its
// threads the last row to compute, so that they all meet at the same sums, and nothing to store.
template <int HS>
struct RowOfThread {
  int index;     // the row this thread stores, if active
  int computed;  // the row it computes: index, or T - 1
  Slice slice;
  template <typename Block>
  TEXTCLASS_DEVICE RowOfThread(Block& block, int T)
      : index(block.x() * (block.threads() / kFusedParts<HS>) + block.thread() / kFusedParts<HS>),
        computed(index < T ? index : T - 1),
        slice{block.thread() % kFusedParts<HS>, kFusedParts<HS>} {}
  TEXTCLASS_DEVICE bool active() const { return index == computed; }
};

// sum(x) of fused_attention_rows.hpp: x added over the threads sharing this thread's row.
template <int HS, typename Block>
TEXTCLASS_DEVICE auto sum_over_row(Block& block) {
  return [&block](float x) { return block.sum_parts(x, kFusedParts<HS>); };
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

// Forward: out and stats of query row x·rows + thread / kFusedParts.
template <int HS, typename Block>
TEXTCLASS_DEVICE void fused_attention_forward_block(Block& block, const FusedAttentionArgs& a) {
  const HeadAt<HS> at(block.y(), a);
  const float* q = a.qkv + at.qkv;
  const auto [k, v] = stage_pair<HS>(block, q + a.C, at.width, q + 2 * a.C, at.width, a.T);
  const HeadContext head = head_context(block, at, a);
  const RowOfThread<HS> row(block, a.T);
  const QueryForward<kFusedOut<HS>> result = attention_query_forward<kFusedOut<HS>>(
      q + row.computed * at.width, k, v, head, row.computed, row.slice, sum_over_row<HS>(block));
  if (!row.active()) return;
  result.y.store(a.out + at.out + static_cast<std::size_t>(row.index) * a.C, row.slice);
  if (row.slice.part == 0) {
    float* stats = a.stats_out + 2 * (at.bh * a.T + row.index);
    stats[0] = result.max;
    stats[1] = result.inverse;
  }
}

// Backward, queries: dq and D of query row x·rows + thread / kFusedParts.
template <int HS, typename Block>
TEXTCLASS_DEVICE void fused_attention_query_backward_block(Block& block, const FusedAttentionArgs& a) {
  const HeadAt<HS> at(block.y(), a);
  const float* q = a.qkv + at.qkv;
  const auto [k, v] = stage_pair<HS>(block, q + a.C, at.width, q + 2 * a.C, at.width, a.T);
  const HeadContext head = head_context(block, at, a);
  const RowOfThread<HS> row(block, a.T);
  const std::size_t stats_row = at.bh * a.T + row.computed;
  const QueryBackward<kFusedOut<HS>> result = attention_query_backward<kFusedOut<HS>>(
      q + row.computed * at.width, a.dout + at.out + static_cast<std::size_t>(row.computed) * a.C,
      a.stats + 2 * stats_row, k, v, head, row.computed, row.slice, sum_over_row<HS>(block));
  if (!row.active()) return;
  result.dq.store(a.dqkv + at.qkv + row.index * at.width, row.slice);
  if (row.slice.part == 0) a.D[stats_row] = result.D;
}

// Backward, keys: dk and dv of key row x·rows + thread / kFusedParts.
template <int HS, typename Block>
TEXTCLASS_DEVICE void fused_attention_key_backward_block(Block& block, const FusedAttentionArgs& a) {
  const HeadAt<HS> at(block.y(), a);
  const float* qkv = a.qkv + at.qkv;
  const auto [q, dy] = stage_pair<HS>(block, qkv, at.width, a.dout + at.out, a.C, a.T);
  const HeadContext head = head_context(block, at, a);
  const RowOfThread<HS> row(block, a.T);
  const float* own = qkv + row.computed * at.width;  // q_j, then k_j at +C and v_j at +2C
  const KeyBackward<kFusedOut<HS>> result = attention_key_backward<kFusedOut<HS>>(
      own + a.C, own + 2 * a.C, q, dy, a.stats + 2 * at.bh * a.T, a.D + at.bh * a.T, head, row.computed, row.slice,
      sum_over_row<HS>(block));
  if (!row.active()) return;
  float* d_row = a.dqkv + at.qkv + row.index * at.width;  // dq_j, then dk_j at +C and dv_j at +2C
  result.dk.store(d_row + a.C, row.slice);
  result.dv.store(d_row + 2 * a.C, row.slice);
}

}  // namespace textclass::backend::cuda
