#pragma once
// The kernels of tensor_core_attention.cuh (launched by tensor_core_attention.cu), after flash
// attention 2: a block takes 64 rows of one head (4 warps of 16) and goes over the head's other
// side 64 rows at a time, staged in shared memory as bf16, and 16 rows at a time within those: each
// 16x16 tile of scores a WMMA product kept in shared memory just long enough for its lanes to read
// it (lane l has row l/2 of a tile, 8 columns from 8·(l%2)). Nothing of size [T, T] is stored
// anywhere, and a block's shared memory does not grow with T.
//   forward         64 queries: one pass over the keys, each row's max, Σ exp and P'·v kept as
//                   they go and rescaled when the max grows (flash attention 2's online softmax);
//                   and the bf16 rounding of the block's rows of q, k and v, kept for the backward
//                   pass, which reads it instead of qkv (the same numbers: the kernels stage bf16)
//   query prologue  64 queries: D = Σ_j P'·dP' = dy·out per row (out = P'·v, from the forward
//                   pass), and dq set to zero
//   key backward    64 keys: one pass over the queries, P' and dS = P'∘dP' - P·D from each query's
//                   saved statistics and D, then dv += P'ᵀ·dy, dk += s·dSᵀ·q and, once the warps
//                   have put the chunk's dS in shared memory, dq += s·dS·k (a warp a 16 queries,
//                   over the block's 64 keys), added to dqkv with atomic adds (flash attention 2's
//                   backward pass)
// Every warp of a block takes part in the loads and barriers, those with no rows before T too.
// Shared rows are padded (16-byte multiples, 32-byte aligned tiles: WMMA's rules) and zero beyond T.
//
// A header so that a test can also run them on host threads (tests/backend/
// tensor_core_attention_test.cpp defines TEXTCLASS_KERNELS_ON_HOST and stands in for CUDA's
// threads, barriers, shuffles and WMMA).
#include <cuda_bf16.h>
#ifndef TEXTCLASS_KERNELS_ON_HOST
#include <mma.h>
#endif

#include <cfloat>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "textclass/backend/backend.hpp"  // dropout_uniform
#include "textclass/backend/cuda/attention_plan.hpp"  // TokenRows
#include "textclass/backend/cuda/launch.cuh"

namespace textclass::backend::cuda::tensor_cores {

namespace wmma = nvcuda::wmma;
using bf16 = __nv_bfloat16;

constexpr int kTile = 16;                 // WMMA's 16x16x16 bf16 products
constexpr int kWarps = 4, kChunk = kWarps * kTile, kThreads = kWarps * 32;
constexpr int kMaxT = 512;                // BERT's positions
constexpr int kTileStride = kTile + 4;    // floats per row of a warp's fp32 tile
constexpr int kFactorStride = kTile + 8;  // bf16 per row of a warp's bf16 tile
template <int HS>
constexpr int kHeadStride = HS + 8;       // bf16 per row of q, k, v, dy
template <int HS>
constexpr int kStripStride = HS + 4;      // floats per row of a warp's output strip
constexpr int kChunkStride = kChunk + 8;  // bf16 per row of the key kernel's dS: a key a row

__host__ __device__ constexpr int padded(int T) { return (T + kTile - 1) / kTile * kTile; }

// Hands out a block's shared memory front to back, every array 128-byte aligned; on the host (base
// null) it only counts the bytes, so that host and device agree on the layout.
struct SharedArena {
  unsigned char* base;
  int used = 0;
  template <typename T>
  __host__ __device__ T* take(int count) {
    T* array = base == nullptr ? nullptr : reinterpret_cast<T*>(base + used);
    used += (count * static_cast<int>(sizeof(T)) + 127) / 128 * 128;
    return array;
  }
};

// A warp's own arrays: an fp32 strip of 16 output rows and a factor for each of those rows, a bf16
// tile as a product factor, and two fp32 tiles of scores. The tiles lie in the strip: a warp is done
// with its scores before it puts anything else there (scale_rows, write_rows, the key kernel's dq).
template <int HS>
struct WarpArrays {
  static constexpr int kStripFloats =
      kStripStride<HS> >= 2 * kTileStride ? kTile * kStripStride<HS> : 2 * kTile * kTileStride;
  float *strip, *row_factor, *tile, *second_tile;
  bf16* factor;
  __host__ __device__ WarpArrays(SharedArena& arena, int warp) {
    strip = arena.take<float>(kWarps * kStripFloats) + warp * kStripFloats;
    row_factor = arena.take<float>(kWarps * kTile) + warp * kTile;
    factor = arena.take<bf16>(kWarps * kTile * kFactorStride) + warp * kTile * kFactorStride;
    tile = strip;
    second_tile = strip + kTile * kTileStride;
  }
};

enum class Kernel { forward, key_backward };

// A block's shared memory: `own` holds its 64 rows of one tensor (queries, or keys) and, in the
// key kernel, `own2` those of a second (values); `other` and `other2` hold 64 rows at a time of
// the other side. The forward kernel keeps every key's mask; the key kernel the statistics and D
// of the 64 queries in `other`, and their dS with its 64 keys (a key a row). An array a kernel
// does not use is null and takes no space. The size does not depend on T but for the mask (4 bytes
// a key).
template <int HS>
struct Shared {
  bf16 *own, *own2, *other, *other2;
  int* key_mask;
  int* warp_ends;  // keys_end's
  float *max, *inverse, *D;
  bf16* ds;
  WarpArrays<HS> warp;
  __host__ __device__ Shared(SharedArena& arena, int T, int warp_index, Kernel kernel)
      : own(arena.take<bf16>(kChunk * kHeadStride<HS>)),
        own2(kernel == Kernel::forward ? nullptr : arena.take<bf16>(kChunk * kHeadStride<HS>)),
        other(arena.take<bf16>(kChunk * kHeadStride<HS>)),
        other2(arena.take<bf16>(kChunk * kHeadStride<HS>)),
        key_mask(kernel == Kernel::key_backward ? nullptr : arena.take<int>(padded(T))),
        warp_ends(arena.take<int>(kWarps)),
        max(kernel == Kernel::key_backward ? arena.take<float>(kChunk) : nullptr),
        inverse(kernel == Kernel::key_backward ? arena.take<float>(kChunk) : nullptr),
        D(kernel == Kernel::key_backward ? arena.take<float>(kChunk) : nullptr),
        ds(kernel == Kernel::key_backward ? arena.take<bf16>(kChunk * kChunkStride) : nullptr),
        warp(arena, warp_index) {}
};

template <int HS>
int shared_bytes(int T, Kernel kernel) {
  SharedArena arena{nullptr};
  const Shared<HS> layout(arena, T, 0, kernel);
  return arena.used;
}

// A 16x16 fp32 sum of products, its left factor, its right factor as stored, its right factor stored
// transposed (WMMA's fragments).
using Accumulator = wmma::fragment<wmma::accumulator, kTile, kTile, kTile, float>;
using LeftFactor = wmma::fragment<wmma::matrix_a, kTile, kTile, kTile, bf16, wmma::row_major>;
using RightFactor = wmma::fragment<wmma::matrix_b, kTile, kTile, kTile, bf16, wmma::row_major>;
using TransposedRightFactor = wmma::fragment<wmma::matrix_b, kTile, kTile, kTile, bf16, wmma::col_major>;
using TransposedLeftFactor = wmma::fragment<wmma::matrix_a, kTile, kTile, kTile, bf16, wmma::col_major>;

// Rows r0.. r0+15 of lhs times rows n0.. n0+15 of rhs, transposed, over the head's channels (q·kᵀ,
// dy·vᵀ, k·qᵀ, v·dyᵀ): a 16x16 tile into dst (fp32, kTileStride).
template <int HS>
__device__ void rows_times_rows(float* dst, const bf16* lhs, int r0, const bf16* rhs, int n0) {
  LeftFactor a;
  TransposedRightFactor b;
  Accumulator sum;
  wmma::fill_fragment(sum, 0.0f);
  for (int c = 0; c < HS; c += kTile) {
    wmma::load_matrix_sync(a, lhs + r0 * kHeadStride<HS> + c, kHeadStride<HS>);
    wmma::load_matrix_sync(b, rhs + n0 * kHeadStride<HS> + c, kHeadStride<HS>);
    wmma::mma_sync(sum, a, b, sum);
  }
  wmma::store_matrix_sync(dst, sum, kTileStride, wmma::mem_row_major);
}

// sums[d] += factor (a 16x16 bf16 tile, rows `stride` apart) · rows n0.. n0+15 of head, channels
// 16d.. 16d+15.
template <int HS>
__device__ void accumulate(Accumulator (&sums)[HS / kTile], const bf16* factor, int stride, const bf16* head,
                           int n0) {
  LeftFactor a;
  wmma::load_matrix_sync(a, factor, stride);
  for (int d = 0; d < HS / kTile; d++) {
    RightFactor b;
    wmma::load_matrix_sync(b, head + n0 * kHeadStride<HS> + d * kTile, kHeadStride<HS>);
    wmma::mma_sync(sums[d], a, b, sums[d]);
  }
}

// Rows r0.. r0+15 of dst (rows `stride` floats apart), those before T, from sums through the strip,
// each times its row_factor unless that is null; and their bf16 roundings at the same places of
// `rounded`, unless it is null. kAdd: added to dst with atomic adds instead.
template <int HS, bool kAdd = false>
__device__ void write_rows(float* dst, int stride, const Accumulator (&sums)[HS / kTile], float* strip, int r0,
                           int T, bf16* rounded = nullptr, const float* row_factor = nullptr) {
  for (int d = 0; d < HS / kTile; d++)
    wmma::store_matrix_sync(strip + d * kTile, sums[d], kStripStride<HS>, wmma::mem_row_major);
  __syncwarp();
  constexpr int quads = HS / 4;
  for (int index = threadIdx.x % 32; index < kTile * quads; index += 32) {
    const int i = index / quads, c = index % quads * 4;
    if (r0 + i >= T) continue;
    const std::size_t at = static_cast<std::size_t>(r0 + i) * stride + c;
    float4 x = *reinterpret_cast<const float4*>(strip + i * kStripStride<HS> + c);
    if (row_factor != nullptr) {
      const float f = row_factor[i];
      x = make_float4(x.x * f, x.y * f, x.z * f, x.w * f);
    }
    if constexpr (kAdd) {
      atomicAdd(dst + at, x.x);
      atomicAdd(dst + at + 1, x.y);
      atomicAdd(dst + at + 2, x.z);
      atomicAdd(dst + at + 3, x.w);
    } else {
      *reinterpret_cast<float4*>(dst + at) = x;
    }
    if (rounded != nullptr) store_rounded(rounded + at, x);
  }
  __syncwarp();
}

template <int HS>
__device__ void clear(Accumulator (&sums)[HS / kTile]) {
  for (auto& sum : sums) wmma::fill_fragment(sum, 0.0f);
}

// Row i of sums times row_factor[i], by way of the strip (a fragment's elements are not the lanes'
// to know).
template <int HS>
__device__ void scale_rows(Accumulator (&sums)[HS / kTile], float* strip, const float* row_factor) {
  for (int d = 0; d < HS / kTile; d++)
    wmma::store_matrix_sync(strip + d * kTile, sums[d], kStripStride<HS>, wmma::mem_row_major);
  __syncwarp();
  for (int index = threadIdx.x % 32; index < kTile * HS; index += 32)
    strip[index / HS * kStripStride<HS> + index % HS] *= row_factor[index / HS];
  __syncwarp();
  for (int d = 0; d < HS / kTile; d++)
    wmma::load_matrix_sync(sums[d], strip + d * kTile, kStripStride<HS>, wmma::mem_row_major);
  __syncwarp();
}

// dst[t, c] = src[t·stride + c] as bf16 (floats rounded, bf16 as they are) for t < valid, zero for
// valid <= t < rows; by the whole block, 16 bytes a load (4 floats or 8 bf16) and four loads in
// flight per thread. Unless copy is null (float rows only), the roundings of the valid rows also go
// to copy[t·stride + c] (global memory, src's layout): the forward kernel's copy of qkv.
template <int HS, typename Source>
__device__ void load_rows(bf16* dst, const Source* src, int stride, int valid, int rows, bf16* copy = nullptr) {
  constexpr bool rounds = std::is_same_v<Source, float>;
  using Load = std::conditional_t<rounds, float4, uint4>;
  constexpr int width = 16 / sizeof(Source), loads = HS / width, kInFlight = 4;
  const int count = rows * loads;
  for (int first = threadIdx.x; first < count; first += kInFlight * blockDim.x) {
    Load x[kInFlight];
TEXTCLASS_UNROLL
    for (int u = 0; u < kInFlight; u++) {
      const int index = first + u * blockDim.x, t = index / loads, c = index % loads * width;
      x[u] = index < count && t < valid ? *reinterpret_cast<const Load*>(src + static_cast<std::size_t>(t) * stride + c)
                                        : Load{};  // zeros (bf16's +0 is zero bits too)
    }
TEXTCLASS_UNROLL
    for (int u = 0; u < kInFlight; u++) {
      const int index = first + u * blockDim.x, t = index / loads, c = index % loads * width;
      if (index >= count) break;
      if constexpr (rounds) {
        store_rounded(dst + t * kHeadStride<HS> + c, x[u]);
        if (copy != nullptr && t < valid) store_rounded(copy + static_cast<std::size_t>(t) * stride + c, x[u]);
      } else {
        *reinterpret_cast<uint4*>(dst + t * kHeadStride<HS> + c) = x[u];
      }
    }
  }
}

// A score as the plan's softmax sees it: the product scaled, plus HF's padding bias on padding keys.
__device__ inline float masked_score(float product, float scale, int key_mask) {
  const float x = product * scale;
  return key_mask == 0 ? x + -FLT_MAX : x;
}

// Where batch row b's tokens are: the row of token 0 and how many rows follow.
struct Sequence {
  std::size_t first;
  int length;
  __device__ Sequence(const TokenRows& tokens, int b)
      : first(tokens.starts[b]), length(tokens.starts[b + 1] - tokens.starts[b]) {}
};

// The block's head and what every kernel needs to know of it.
struct Head {
  int T, C, NH, b, h;
  Sequence sequence;  // the batch row's tokens
  float p, scale, keep_scale;
  uint64_t seed;  // drawn once, when there is dropout
  __device__ Head(int T_, int C_, int NH_, const TokenRows& tokens, float p_, float scale_, uint64_t s)
      : T(T_), C(C_), NH(NH_), b(blockIdx.y / NH_), h(blockIdx.y % NH_), sequence(tokens, b), p(p_),
        scale(scale_), keep_scale(1.0f / (1.0f - p_)), seed(p_ > 0.0f ? s : 0) {}
  // The sequence's tokens in the row tensors.
  __device__ int length() const { return sequence.length; }
  // The row of [B, NH, T] that query t is: its statistics, and where its dropout indices start (the
  // padded layout's, as backend.hpp indexes dropout).
  __device__ std::size_t row(int t) const { return (static_cast<std::size_t>(b) * NH + h) * T + t; }
  // Whether dropout keeps (query, key): the hash every backend draws (backend.hpp).
  __device__ bool keeps(int query, int key) const { return p == 0.0f || dropout_uniform(seed, row(query) * T + key) >= p; }
  __device__ float dropped(float probability, bool kept) const { return kept ? probability * keep_scale : 0.0f; }
  __device__ float dropped(float probability, int query, int key) const { return dropped(probability, keeps(query, key)); }
  // This head's channels in the row of this batch row's token 0, rows of `width` floats.
  __device__ std::size_t offset(int width) const { return sequence.first * width + h * (C / NH); }
};

// Rows tokens.starts[B] .. tokens.rows - 1 are no token's: the blocks of the last
// batch row's first 64 tokens set their head's channels there to zero, in `parts` tensors C floats
// apart in rows of `width` (out: 1 of C; dqkv: 3 of 3C), and in `rounded` (out's bf16) unless null.
__device__ inline void clear_rows_after_tokens(float* dst, bf16* rounded, int width, int parts, const TokenRows& tokens,
                                               int C, int NH) {
  const int B = gridDim.y / NH, h = blockIdx.y % NH, hs = C / NH;
  if (blockIdx.x != 0 || static_cast<int>(blockIdx.y) / NH != B - 1) return;
  const int first = tokens.starts[B], count = (tokens.rows - first) * parts * hs;
  for (int index = threadIdx.x; index < count; index += blockDim.x) {
    const int row = first + index / (parts * hs), part = index / hs % parts, c = index % hs;
    const std::size_t at = static_cast<std::size_t>(row) * width + part * C + h * hs + c;
    dst[at] = 0.0f;
    if (rounded != nullptr) rounded[at] = __float2bfloat16_rn(0.0f);
  }
}

__device__ inline void load_mask(int* key_mask, const int32_t* mask, const Head& head) {
  for (int t = threadIdx.x; t < head.T; t += blockDim.x) key_mask[t] = mask[static_cast<std::size_t>(head.b) * head.T + t];
}

// 1 + the last key that row_mask (the block's batch row of the mask, T keys) keeps; T where it
// keeps none. The keys after it get exactly zero attention (masked_score: exp(-FLT_MAX) is 0) and
// so exactly zero gradients, so the kernels stop there: the padding of a batch's shorter rows costs
// nothing. By the whole block (a barrier), each thread reading the keys load_mask has it copy;
// warp_ends: kWarps ints of shared memory.
__device__ inline int keys_end(const int32_t* row_mask, int T, int* warp_ends) {
  int end = 0;
  for (int t = threadIdx.x; t < T; t += blockDim.x)
    if (row_mask[t] != 0) end = t + 1;
  for (int lanes = 16; lanes > 0; lanes /= 2) {
    const int other = __shfl_xor_sync(kFullMask, end, lanes);
    end = other > end ? other : end;
  }
  if (threadIdx.x % 32 == 0) warp_ends[threadIdx.x / 32] = end;
  __syncthreads();
  int block_end = 0;
  for (int w = 0; w < kWarps; w++) block_end = warp_ends[w] > block_end ? warp_ends[w] : block_end;
  return block_end == 0 ? T : block_end;
}

// Where a lane is in a 16x16 tile: row i, columns c0.. c0+7.
struct TileLane {
  int i = threadIdx.x % 32 / 2, c0 = threadIdx.x % 2 * 8;
};


// Runs visit(o0) for each 64-row chunk [o0, o0 + 64) of the other side, once load(o0) has put it in
// shared memory. The whole block loads and waits, warps without rows of their own too.
template <typename Load, typename Visit>
__device__ void over_chunks(int T, Load load, Visit visit) {
  for (int o0 = 0; o0 < T; o0 += kChunk) {
    __syncthreads();  // every warp is done with the last chunk (and, the first time, the block's own rows)
    load(o0);
    __syncthreads();
    visit(o0);
  }
}

// out = dropout(softmax(s·q·kᵀ + padding bias))·v for 64 queries of a head, and its bf16 rounding
// unless `rounded` is null; each row's max and 1/sum into stats, and the bf16 rounding of the 64
// rows' q, k and v (of this head) into qkv_copy (qkv's layout), which the backward pass reads
// (both null where no backward pass follows). Blocks past their sequence have nothing to do.
template <int HS>
__global__ void __launch_bounds__(kThreads) forward_kernel(float* out, bf16* rounded, float* stats, bf16* qkv_copy,
                                                           const float* qkv, const int32_t* mask, TokenRows tokens,
                                                           float p, uint64_t seed, float scale, int T, int C, int NH) {
  await_earlier_kernels();
  const int warp = threadIdx.x / 32, q0 = blockIdx.x * kChunk;
  clear_rows_after_tokens(out, rounded, C, 1, tokens, C, NH);
  const Head head(T, C, NH, tokens, p, scale, seed);
  const int length = head.length();
  if (q0 >= length) return;  // (the whole block)
  SharedArena arena{block_shared_memory()};
  const Shared<HS> s(arena, T, warp, Kernel::forward);
  const float* rows = qkv + head.offset(3 * C);
  // the block's rows of the copy (null: no copy)
  bf16* copy = qkv_copy == nullptr ? nullptr : qkv_copy + head.offset(3 * C) + static_cast<std::size_t>(q0) * 3 * C;
  load_rows<HS>(s.own, rows + static_cast<std::size_t>(q0) * 3 * C, 3 * C, length - q0, kChunk, copy);  // q
  load_mask(s.key_mask, mask, head);
  const int keys = keys_end(s.key_mask, T, s.warp_ends);  // (the thread's own copies: no barrier needed)
  auto load_keys_and_values = [&](int o0) {  // copied when they are the block's own rows
    const bool copied = copy != nullptr && o0 == q0;
    load_rows<HS>(s.other, rows + static_cast<std::size_t>(o0) * 3 * C + C, 3 * C, length - o0, kChunk,
                  copied ? copy + C : nullptr);
    load_rows<HS>(s.other2, rows + static_cast<std::size_t>(o0) * 3 * C + 2 * C, 3 * C, length - o0, kChunk,
                  copied ? copy + 2 * C : nullptr);
  };
  const int r0 = warp * kTile;  // in the block's rows
  const bool active = q0 + r0 < length;
  const TileLane lane;
  const int query = q0 + r0 + lane.i;
  const float* tile = s.warp.tile + lane.i * kTileStride;
  auto score = [&](int j) { return masked_score(tile[j % kTile], scale, s.key_mask[j]); };

  // One pass over the keys (flash attention 2): a row keeps its running max, Σ exp(score - max) and,
  // in sums, Σ dropout(exp(score - max))·v, the last two rescaled by exp(old max - new max) when a
  // tile raises the max; out = sums / Σ at the end. The two lanes of a row share its max and each
  // sums the exponentials of its 8 columns.
  float max = -FLT_MAX, sum = 0.0f;
  bool started = false;
  Accumulator sums[HS / kTile];
  clear<HS>(sums);
  // Rows past the keys are never staged: their copy is made here (s.other is free until over_chunks).
  if (copy != nullptr && q0 >= keys) load_keys_and_values(q0);
  over_chunks(keys, load_keys_and_values, [&](int o0) {
    if (!active) return;
    for (int n0 = 0; n0 < kChunk && o0 + n0 < keys; n0 += kTile) {
      rows_times_rows<HS>(s.warp.tile, s.own, r0, s.other, n0);
      __syncwarp();
      float tile_max = -FLT_MAX;
      for (int j = o0 + n0 + lane.c0; j < o0 + n0 + lane.c0 + 8 && j < T; j++) tile_max = fmaxf(tile_max, score(j));
      const float new_max = fmaxf(max, fmaxf(tile_max, __shfl_xor_sync(kFullMask, tile_max, 1)));
      const float rescale = expf(max - new_max);  // 1 while the max stands
      max = new_max;
      sum *= rescale;
      for (int c = lane.c0; c < lane.c0 + 8; c++) {
        const int j = o0 + n0 + c;
        const float e = j < T ? expf(score(j) - max) : 0.0f;
        sum += e;
        const float a = query < length && j < T ? head.dropped(e, query, j) : 0.0f;
        s.warp.factor[lane.i * kFactorStride + c] = __float2bfloat16_rn(a);
      }
      if (started && __any_sync(kFullMask, rescale != 1.0f)) {  // (sums are zero before the first tile)
        if (lane.c0 == 0) s.warp.row_factor[lane.i] = rescale;
        __syncwarp();
        scale_rows<HS>(sums, s.warp.strip, s.warp.row_factor);
      }
      __syncwarp();
      accumulate<HS>(sums, s.warp.factor, kFactorStride, s.other2, n0);  // P'·v, each row times its Σ
      __syncwarp();
      started = true;
    }
  });
  const float inverse = 1.0f / (sum + __shfl_xor_sync(kFullMask, sum, 1));
  if (stats != nullptr && query < length && lane.c0 == 0) {
    stats[2 * head.row(query)] = max;
    stats[2 * head.row(query) + 1] = inverse;
  }
  if (!active) return;
  if (lane.c0 == 0) s.warp.row_factor[lane.i] = inverse;
  __syncwarp();
  write_rows<HS>(out + head.offset(C), C, sums, s.warp.strip, q0 + r0, length,
                 rounded == nullptr ? nullptr : rounded + head.offset(C), s.warp.row_factor);
}

// Before key_backward_kernel: each query's D = Σ_j P'·dP' = Σ_j P'_j (dy·v_j) = dy·out, and its
// channels of dq set to zero for the key kernel to add into. A block per 64 queries of a head, HS / 4
// threads a query, each a float4 of its channels (a warp reads and writes whole rows), the block
// kThreads · 4 / HS queries at a time: all of a thread's loads first, then the sums and the stores (a
// load after a store to dqkv may not be moved before it: at one query after another, each waited for
// the memory in turn, and this kernel took 28 us a layer on an H200 at batch 16). The rows after the
// last token are set to zero in dqkv here too.
template <int HS>
__global__ void __launch_bounds__(kThreads) query_prologue_kernel(float* dqkv, float* D, const float* dout,
                                                                  const float* out, TokenRows tokens, int T, int C,
                                                                  int NH) {
  await_earlier_kernels();
  constexpr int kLanes = HS / 4, kQueriesAtOnce = kThreads / kLanes, kTrips = kChunk / kQueriesAtOnce;
  static_assert(HS % 4 == 0 && 32 % kLanes == 0 && kChunk % kQueriesAtOnce == 0);
  clear_rows_after_tokens(dqkv, nullptr, 3 * C, 3, tokens, C, NH);
  const int b = blockIdx.y / NH, h = blockIdx.y % NH;  // as Head has them
  const Sequence sequence(tokens, b);
  const int c = threadIdx.x % kLanes * 4;              // this thread's channels of the head: c .. c + 3
  auto query = [&](int trip) {
    return static_cast<int>(blockIdx.x) * kChunk + trip * kQueriesAtOnce + static_cast<int>(threadIdx.x) / kLanes;
  };
  auto token = [&](int trip) { return sequence.first + query(trip); };
  float4 y[kTrips], o[kTrips];
TEXTCLASS_UNROLL
  for (int trip = 0; trip < kTrips; trip++) {
    y[trip] = o[trip] = make_float4(0.0f, 0.0f, 0.0f, 0.0f);
    if (query(trip) >= sequence.length) continue;
    const std::size_t at = token(trip) * C + h * HS + c;
    y[trip] = *reinterpret_cast<const float4*>(dout + at);
    o[trip] = *reinterpret_cast<const float4*>(out + at);
  }
TEXTCLASS_UNROLL
  for (int trip = 0; trip < kTrips; trip++) {  // (the same trips for every lane: the shuffles)
    float dot = y[trip].x * o[trip].x + y[trip].y * o[trip].y + y[trip].z * o[trip].z + y[trip].w * o[trip].w;
    for (int offset = kLanes / 2; offset > 0; offset /= 2) dot += __shfl_xor_sync(kFullMask, dot, offset);
    if (query(trip) >= sequence.length) continue;
    *reinterpret_cast<float4*>(dqkv + token(trip) * 3 * C + h * HS + c) = make_float4(0.0f, 0.0f, 0.0f, 0.0f);
    if (c == 0) D[(static_cast<std::size_t>(b) * NH + h) * T + query(trip)] = dot;
  }
}

// dq += dS · keys for the 16 queries n0.. n0+15 of the chunk at o0 (those before `length`) and the
// block's first `kept` keys (those before keys_end), from dS as the warps left it (a key a row), added
// to the head's dq (rows `stride` floats apart) with atomic adds. The keys after them add nothing:
// their dS is zero.
template <int HS>
__device__ void add_query_gradients(float* dq, int stride, const bf16* ds, const bf16* keys, int n0, int o0,
                                    int kept, int length, float* strip) {
  Accumulator sums[HS / kTile];
  clear<HS>(sums);
  for (int k = 0; k < kept; k += kTile) {
    TransposedLeftFactor a;  // dS for these queries (rows) and 16 keys (columns)
    wmma::load_matrix_sync(a, ds + k * kChunkStride + n0, kChunkStride);
    for (int d = 0; d < HS / kTile; d++) {
      RightFactor b;
      wmma::load_matrix_sync(b, keys + k * kHeadStride<HS> + d * kTile, kHeadStride<HS>);
      wmma::mma_sync(sums[d], a, b, sums[d]);
    }
  }
  write_rows<HS, true>(dq, stride, sums, strip, o0 + n0, length);
}

// dk, dv and dq for 64 keys of a head, from the forward kernel's bf16 copy of qkv, in one pass over the queries: P' and dS (transposed: a lane has a key row) from each
// query's saved statistics and D (query_prologue_kernel's), dropout drawn once for each pair;
// dv += P'ᵀ·dy and dk += s·dSᵀ·q by the warp of the keys, then, the chunk's dS complete in shared
// memory, dq += s·dS·k by the warp of the queries, added to dqkv with one atomic add per element
// and chunk of queries.
template <int HS>
__global__ void __launch_bounds__(kThreads) key_backward_kernel(float* dqkv, const float* D, const float* dout,
                                                                const bf16* qkv, const float* stats,
                                                                const int32_t* mask, TokenRows tokens, float p,
                                                                uint64_t seed, float scale, int T, int C, int NH) {
  await_earlier_kernels();
  const int warp = threadIdx.x / 32, k0 = blockIdx.x * kChunk;
  const Head head(T, C, NH, tokens, p, scale, seed);
  const int length = head.length();
  if (k0 >= length) return;  // (the whole block)
  SharedArena arena{block_shared_memory()};
  const Shared<HS> s(arena, T, warp, Kernel::key_backward);
  const bf16* rows = qkv + head.offset(3 * C);
  float* gradient_rows = dqkv + head.offset(3 * C);  // the head's dq, dk, dv of token 0
  const int keys = keys_end(mask + static_cast<std::size_t>(head.b) * T, T, s.warp_ends);
  if (k0 >= keys) {  // keys the mask drops, all of them: zero gradients
    for (int index = threadIdx.x; index < kChunk * 2 * HS; index += blockDim.x) {
      const int key = k0 + index / (2 * HS), c = index % (2 * HS);
      if (key < length)
        gradient_rows[static_cast<std::size_t>(key) * 3 * C + (c < HS ? C + c : 2 * C + c - HS)] = 0.0f;
    }
    return;
  }
  load_rows<HS>(s.own, rows + static_cast<std::size_t>(k0) * 3 * C + C, 3 * C, length - k0, kChunk);       // k
  load_rows<HS>(s.own2, rows + static_cast<std::size_t>(k0) * 3 * C + 2 * C, 3 * C, length - k0, kChunk);  // v
  for (int index = threadIdx.x; index < kChunk * kChunkStride; index += blockDim.x) s.ds[index] = __float2bfloat16_rn(0.0f);
  // The chunk's queries and dy, and each query's statistics and D.
  auto load_queries = [&](int o0) {
    load_rows<HS>(s.other, rows + static_cast<std::size_t>(o0) * 3 * C, 3 * C, length - o0, kChunk);
    load_rows<HS>(s.other2, dout + head.offset(C) + static_cast<std::size_t>(o0) * C, C, length - o0, kChunk);
    for (int t = threadIdx.x; t < kChunk && o0 + t < length; t += blockDim.x) {
      s.max[t] = stats[2 * head.row(o0 + t)];
      s.inverse[t] = stats[2 * head.row(o0 + t) + 1];
      s.D[t] = D[head.row(o0 + t)];
    }
  };
  const int r0 = warp * kTile;
  const bool active = k0 + r0 < length, computing = k0 + r0 < keys;  // (a warp past the keys writes zeros)
  const TileLane lane;
  const int key = k0 + r0 + lane.i;
  const int key_mask = key < T ? mask[static_cast<std::size_t>(head.b) * T + key] : 0;
  const float* tile = s.warp.tile + lane.i * kTileStride;          // scores, transposed
  const float* dtile = s.warp.second_tile + lane.i * kTileStride;  // dP', transposed

  Accumulator dv[HS / kTile], dk[HS / kTile];
  clear<HS>(dv);
  clear<HS>(dk);
  over_chunks(length, load_queries, [&](int o0) {
    for (int n0 = 0; computing && n0 < kChunk && o0 + n0 < length; n0 += kTile) {
      rows_times_rows<HS>(s.warp.tile, s.own, r0, s.other, n0);           // k·qᵀ
      rows_times_rows<HS>(s.warp.second_tile, s.own2, r0, s.other2, n0);  // v·dyᵀ
      __syncwarp();
      for (int c = lane.c0; c < lane.c0 + 8; c++) {
        const int t = n0 + c, query = o0 + t;  // t: the query's row in the chunk
        float dropped = 0.0f, ds = 0.0f;
        if (key < length && query < length) {
          const float a = expf(masked_score(tile[c], scale, key_mask) - s.max[t]) * s.inverse[t];
          dropped = head.dropped(a, query, key);
          ds = (dtile[c] * dropped - a * s.D[t]) * scale;  // the plan's softmax_backward_kernel
        }
        s.warp.factor[lane.i * kFactorStride + c] = __float2bfloat16_rn(dropped);
        s.ds[(r0 + lane.i) * kChunkStride + n0 + c] = __float2bfloat16_rn(ds);
      }
      __syncwarp();
      accumulate<HS>(dv, s.warp.factor, kFactorStride, s.other2, n0);                // P'ᵀ·dy
      accumulate<HS>(dk, s.ds + r0 * kChunkStride + n0, kChunkStride, s.other, n0);  // dSᵀ·q
      __syncwarp();  // (the next tile's scores go where accumulate's lanes read)
    }
    __syncthreads();  // the chunk's dS complete
    if (o0 + r0 < length)  // this warp's 16 queries: dS·k
      add_query_gradients<HS>(gradient_rows, 3 * C, s.ds, s.own, r0, o0, keys - k0 < kChunk ? keys - k0 : kChunk,
                              length, s.warp.strip);
  });
  if (!active) return;
  write_rows<HS>(gradient_rows + C, 3 * C, dk, s.warp.strip, k0 + r0, length);
  write_rows<HS>(gradient_rows + 2 * C, 3 * C, dv, s.warp.strip, k0 + r0, length);
}

}  // namespace textclass::backend::cuda::tensor_cores
