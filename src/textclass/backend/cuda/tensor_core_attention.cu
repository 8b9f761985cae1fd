// The kernels of tensor_core_attention.cuh. A block's shared memory (bf16 unless said):
//   q, k, v (backward: and dy)   [Tp, HS + 8]   the head's rows, zero from T on (Tp: T rounded up to 16)
//   backward: P' and dS          [Tp, Tp + 8]   every query row's dropped-out probabilities and score
//                                               gradients, zero beyond T
//   key mask (int32)             [Tp]
//   per warp: strip (fp32)       [16, max(Tp, HS) + 4]  its 16 rows of scores, or of an output
//             forward: P'        [16, Tp + 8]   its rows of dropped-out probabilities
//             backward: tile     [16, 20] fp32  one 16x16 tile of scores
// Rows are padded so that every 16x16 tile starts 32-byte aligned (WMMA's rule) and consecutive rows
// fall on different banks.
#include "textclass/backend/cuda/tensor_core_attention.cuh"

#include <cuda_bf16.h>
#include <mma.h>

#include <cfloat>
#include <cstddef>
#include <type_traits>

#include "textclass/backend/backend.hpp"  // dropout_uniform
#include "textclass/backend/cuda/cuda_check.cuh"
#include "textclass/backend/cuda/launch.cuh"

namespace textclass::backend::cuda {
namespace {

namespace wmma = nvcuda::wmma;
using bf16 = __nv_bfloat16;

constexpr int kTile = 16;          // WMMA's 16x16x16 bf16 products
constexpr int kMaxPaddedT = 128;   // 8 warps; longer heads would not fit in shared memory
constexpr int kTileStride = kTile + 4;

// Where each array of a block's shared memory starts (bytes), and the strides of its rows (elements).
struct SharedLayout {
  int Tp, warps;
  int head_stride, row_stride, strip_stride;
  int mask, all_rows, warp_areas, warp_bytes, second_in_warp, total;

  static constexpr __host__ __device__ int aligned(int bytes) { return (bytes + 127) / 128 * 128; }

  __host__ __device__ SharedLayout(int T, int hs, bool backward) {
    Tp = (T + kTile - 1) / kTile * kTile;
    warps = Tp / kTile;
    head_stride = hs + 8;
    row_stride = Tp + 8;
    strip_stride = (Tp > hs ? Tp : hs) + 4;
    const int heads = backward ? 4 : 3;
    mask = aligned(heads * Tp * head_stride * 2);
    all_rows = mask + aligned(Tp * 4);
    warp_areas = all_rows + (backward ? 2 * aligned(Tp * row_stride * 2) : 0);
    second_in_warp = aligned(kTile * strip_stride * 4);
    warp_bytes = second_in_warp + (backward ? aligned(kTile * kTileStride * 4) : aligned(kTile * row_stride * 2));
    total = warp_areas + warps * warp_bytes;
  }
};

// The arrays of a block's shared memory, as SharedLayout places them; strip and the warp's second
// array (P' forward, tile backward) are the calling warp's.
struct Shared {
  bf16 *q, *k, *v, *dy;
  bf16 *probs, *dscores;  // backward: all rows
  int* key_mask;
  float* strip;
  void* second;

  __device__ Shared(unsigned char* base, const SharedLayout& layout, int warp) {
    const int head = layout.Tp * layout.head_stride;
    q = reinterpret_cast<bf16*>(base);
    k = q + head;
    v = k + head;
    dy = v + head;
    key_mask = reinterpret_cast<int*>(base + layout.mask);
    probs = reinterpret_cast<bf16*>(base + layout.all_rows);
    dscores = probs + layout.Tp * layout.row_stride;
    unsigned char* area = base + layout.warp_areas + warp * layout.warp_bytes;
    strip = reinterpret_cast<float*>(area);
    second = area + layout.second_in_warp;
  }
};

using Accumulator = wmma::fragment<wmma::accumulator, kTile, kTile, kTile, float>;

// A 16x16 tile of a product: Σ_s a_s·b_s over `steps` pairs of 16x16 bf16 tiles, a_s at a + s·a_step
// (rows lda apart, stored as LayoutA says), b_s at b + s·b_step (ldb, LayoutB).
template <typename LayoutA, typename LayoutB>
__device__ Accumulator tile_product(const bf16* a, int lda, int a_step, const bf16* b, int ldb, int b_step,
                                    int steps) {
  wmma::fragment<wmma::matrix_a, kTile, kTile, kTile, bf16, LayoutA> a_tile;
  wmma::fragment<wmma::matrix_b, kTile, kTile, kTile, bf16, LayoutB> b_tile;
  Accumulator sum;
  wmma::fill_fragment(sum, 0.0f);
  for (int s = 0; s < steps; s++) {
    wmma::load_matrix_sync(a_tile, a + s * a_step, lda);
    wmma::load_matrix_sync(b_tile, b + s * b_step, ldb);
    wmma::mma_sync(sum, a_tile, b_tile, sum);
  }
  return sum;
}

// Rows r0.. r0+15 of lhs times rows 16n.. 16n+15 of rhs, transposed: lhs·rhsᵀ over the head's
// channels (the scores q·kᵀ, or dP' = dy·vᵀ).
template <int HS>
__device__ Accumulator rows_times_rows(const bf16* lhs, const bf16* rhs, int head_stride, int r0, int n) {
  return tile_product<wmma::row_major, wmma::col_major>(lhs + r0 * head_stride, head_stride, kTile,
                                                        rhs + n * kTile * head_stride, head_stride, kTile, HS / kTile);
}

// Channels 16d.. 16d+15 of rows·head, rows [16, Tp] from row r0 of a [Tp, Tp] array (P'·v, dS·k).
__device__ Accumulator rows_times_head(const bf16* rows, int row_stride, int r0, const bf16* head, int head_stride,
                                       int d, int Tp) {
  return tile_product<wmma::row_major, wmma::row_major>(rows + r0 * row_stride, row_stride, kTile, head + d * kTile,
                                                        head_stride, kTile * head_stride, Tp / kTile);
}

// Channels 16d.. of columnsᵀ·head for columns c0.. c0+15 of a [Tp, Tp] array (P'ᵀ·dy, dSᵀ·q).
__device__ Accumulator columns_times_head(const bf16* rows, int row_stride, int c0, const bf16* head,
                                          int head_stride, int d, int Tp) {
  return tile_product<wmma::col_major, wmma::row_major>(rows + c0, row_stride, kTile * row_stride, head + d * kTile,
                                                        head_stride, kTile * head_stride, Tp / kTile);
}

__device__ void store(float* dst, int stride, const Accumulator& tile) {
  wmma::store_matrix_sync(dst, tile, stride, wmma::mem_row_major);
}

// dst[t, c] = src[t·stride + c] rounded to bf16 for t < T, zero for T <= t < Tp; by the whole block.
template <int HS>
__device__ void load_head(bf16* dst, int dst_stride, const float* src, int stride, int T, int Tp) {
  constexpr int quads = HS / 4;
  for (int index = threadIdx.x; index < Tp * quads; index += blockDim.x) {
    const int t = index / quads, c = index % quads * 4;
    float4 x = make_float4(0.0f, 0.0f, 0.0f, 0.0f);
    if (t < T) x = *reinterpret_cast<const float4*>(src + static_cast<std::size_t>(t) * stride + c);
    auto* pair = reinterpret_cast<__nv_bfloat162*>(dst + t * dst_stride + c);
    pair[0] = __floats2bfloat162_rn(x.x, x.y);
    pair[1] = __floats2bfloat162_rn(x.z, x.w);
  }
}

// Rows r0.. r0+15 of a warp's strip (HS floats each), those before T, to dst (rows `stride` apart).
template <int HS>
__device__ void write_rows(float* dst, int stride, const float* strip, int strip_stride, int r0, int T) {
  constexpr int quads = HS / 4;
  for (int index = threadIdx.x % 32; index < kTile * quads; index += 32) {
    const int i = index / quads, c = index % quads * 4;
    if (r0 + i < T)
      *reinterpret_cast<float4*>(dst + static_cast<std::size_t>(r0 + i) * stride + c) =
          *reinterpret_cast<const float4*>(strip + i * strip_stride + c);
  }
}

// A score as the plan's softmax sees it: the product scaled, plus HF's padding bias on padding keys.
__device__ inline float masked_score(float product, float scale, int key_mask) {
  const float x = product * scale;
  return key_mask == 0 ? x + -FLT_MAX : x;
}

// What every kernel needs to know of its head.
struct Head {
  int T, C, NH, b, h;
  float p, scale, keep_scale;
  uint64_t seed;  // drawn once, when there is dropout
  __device__ Head(int T_, int C_, int NH_, float p_, float scale_, Seed s)
      : T(T_), C(C_), NH(NH_), b(blockIdx.y), h(blockIdx.x), p(p_), scale(scale_), keep_scale(1.0f / (1.0f - p_)),
        seed(p_ > 0.0f ? s.get() : 0) {}
  // The row of [B, NH, T] that query t is: its statistics, and the first dropout index of its row.
  __device__ std::size_t row(int t) const { return (static_cast<std::size_t>(b) * NH + h) * T + t; }
  __device__ float dropped(float probability, std::size_t row, int j) const {
    if (p == 0.0f) return probability;
    return dropout_uniform(seed, row * T + j) >= p ? probability * keep_scale : 0.0f;
  }
  // Where this head's channels start in the first row of a [B, T, width] tensor.
  __device__ std::size_t offset(int width) const { return static_cast<std::size_t>(b) * T * width + h * (C / NH); }
};

template <int HS>
__device__ void load_keys_and_mask(Shared& s, const SharedLayout& layout, const Head& head, const float* qkv,
                                   const int32_t* mask) {
  const float* rows = qkv + head.offset(3 * head.C);
  load_head<HS>(s.q, layout.head_stride, rows, 3 * head.C, head.T, layout.Tp);
  load_head<HS>(s.k, layout.head_stride, rows + head.C, 3 * head.C, head.T, layout.Tp);
  load_head<HS>(s.v, layout.head_stride, rows + 2 * head.C, 3 * head.C, head.T, layout.Tp);
  for (int t = threadIdx.x; t < head.T; t += blockDim.x) s.key_mask[t] = mask[static_cast<std::size_t>(head.b) * head.T + t];
}

// out = dropout(softmax(s·q·kᵀ + padding bias))·v for one head, each warp 16 query rows; saves each
// row's max and 1/sum in stats.
template <int HS>
__global__ void forward_kernel(float* out, float* stats, const float* qkv, const int32_t* mask, float p, Seed seed,
                               float scale, int T, int C, int NH) {
  extern __shared__ __align__(128) unsigned char tensor_core_shared[];
  const SharedLayout layout(T, HS, /*backward=*/false);
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32, r0 = warp * kTile;
  Shared s(tensor_core_shared, layout, warp);
  const Head head(T, C, NH, p, scale, seed);
  load_keys_and_mask<HS>(s, layout, head, qkv, mask);
  __syncthreads();

  const int ss = layout.strip_stride, key_tiles = layout.Tp / kTile;
  for (int n = 0; n < key_tiles; n++) store(s.strip + n * kTile, ss, rows_times_rows<HS>(s.q, s.k, layout.head_stride, r0, n));
  __syncwarp();
  auto* probs = static_cast<bf16*>(s.second);
  for (int i = 0; i < kTile; i++) {  // the plan's softmax_forward_kernel, a row at a time
    float* row = s.strip + i * ss;
    bf16* row_probs = probs + i * layout.row_stride;
    const int query = r0 + i;
    if (query >= T) {
      for (int j = lane; j < layout.Tp; j += 32) row_probs[j] = __float2bfloat16_rn(0.0f);
      continue;
    }
    float max = -FLT_MAX;
    for (int j = lane; j < T; j += 32) {
      row[j] = masked_score(row[j], scale, s.key_mask[j]);
      max = fmaxf(max, row[j]);
    }
    max = warp_max(max);
    float sum = 0.0f;
    for (int j = lane; j < T; j += 32) {
      row[j] = expf(row[j] - max);
      sum += row[j];
    }
    const float inverse = 1.0f / warp_sum(sum);
    const std::size_t stats_row = head.row(query);
    if (lane == 0) {
      stats[2 * stats_row] = max;
      stats[2 * stats_row + 1] = inverse;
    }
    for (int j = lane; j < layout.Tp; j += 32)
      row_probs[j] = __float2bfloat16_rn(j < T ? head.dropped(row[j] * inverse, stats_row, j) : 0.0f);
  }
  __syncwarp();
  for (int d = 0; d < HS / kTile; d++)
    store(s.strip + d * kTile, ss, rows_times_head(probs, layout.row_stride, 0, s.v, layout.head_stride, d, layout.Tp));
  __syncwarp();
  write_rows<HS>(out + head.offset(C), C, s.strip, ss, r0, T);
}

// dqkv for one head. Each warp takes 16 query rows: P' (for dv) and dS = P∘(dP - Σ P·dP) of its rows
// into shared memory, and dq = s·dS·k; then, all rows there, the same warp takes 16 key rows:
// dv = P'ᵀ·dy and dk = s·dSᵀ·q. P is recomputed from the scores and the saved statistics, twice.
template <int HS>
__global__ void backward_kernel(float* dqkv, const float* dout, const float* qkv, const float* stats,
                                const int32_t* mask, float p, Seed seed, float scale, int T, int C, int NH) {
  extern __shared__ __align__(128) unsigned char tensor_core_shared[];
  const SharedLayout layout(T, HS, /*backward=*/true);
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32, r0 = warp * kTile;
  Shared s(tensor_core_shared, layout, warp);
  const Head head(T, C, NH, p, scale, seed);
  load_keys_and_mask<HS>(s, layout, head, qkv, mask);
  load_head<HS>(s.dy, layout.head_stride, dout + head.offset(C), C, T, layout.Tp);
  __syncthreads();

  const int hstride = layout.head_stride, rstride = layout.row_stride, ss = layout.strip_stride;
  const int key_tiles = layout.Tp / kTile;
  auto* tile = static_cast<float*>(s.second);
  // In a 16x16 tile, this lane has row i's 8 columns from c0.
  const int i = lane / 2, c0 = lane % 2 * 8, query = r0 + i;
  const std::size_t stats_row = head.row(query < T ? query : 0);
  const float max = query < T ? stats[2 * stats_row] : 0.0f;
  const float inverse = query < T ? stats[2 * stats_row + 1] : 0.0f;
  auto probability = [&](int j) { return expf(masked_score(tile[i * kTileStride + j % kTile], scale, s.key_mask[j]) - max) * inverse; };

  // P' and dP'∘P' (dS's first term, in the strip over dP'), and the row sums of the latter.
  float row_sum = 0.0f;
  for (int n = 0; n < key_tiles; n++) {
    store(tile, kTileStride, rows_times_rows<HS>(s.q, s.k, hstride, r0, n));
    store(s.strip + n * kTile, ss, rows_times_rows<HS>(s.dy, s.v, hstride, r0, n));
    __syncwarp();
    for (int j = n * kTile + c0; j < n * kTile + c0 + 8; j++) {
      float dropped = 0.0f, first = 0.0f;
      if (query < T && j < T) {
        dropped = head.dropped(probability(j), stats_row, j);
        first = s.strip[i * ss + j] * dropped;
      }
      s.probs[query * rstride + j] = __float2bfloat16_rn(dropped);
      s.strip[i * ss + j] = first;
      row_sum += first;
    }
    __syncwarp();
  }
  row_sum += __shfl_xor_sync(kFullMask, row_sum, 1);  // the other lane of row i
  // dS = dP'∘P' - P·Σ, times s (dq's and dk's scale).
  for (int n = 0; n < key_tiles; n++) {
    store(tile, kTileStride, rows_times_rows<HS>(s.q, s.k, hstride, r0, n));
    __syncwarp();
    for (int j = n * kTile + c0; j < n * kTile + c0 + 8; j++) {
      const float ds = query < T && j < T ? (s.strip[i * ss + j] - probability(j) * row_sum) * scale : 0.0f;
      s.dscores[query * rstride + j] = __float2bfloat16_rn(ds);
    }
    __syncwarp();
  }
  float* rows = dqkv + head.offset(3 * C);
  for (int d = 0; d < HS / kTile; d++)
    store(s.strip + d * kTile, ss, rows_times_head(s.dscores, rstride, r0, s.k, hstride, d, layout.Tp));
  __syncwarp();
  write_rows<HS>(rows, 3 * C, s.strip, ss, r0, T);  // dq
  __syncthreads();  // every warp's rows of P' and dS
  for (int d = 0; d < HS / kTile; d++)
    store(s.strip + d * kTile, ss, columns_times_head(s.probs, rstride, r0, s.dy, hstride, d, layout.Tp));
  __syncwarp();
  write_rows<HS>(rows + 2 * C, 3 * C, s.strip, ss, r0, T);  // dv
  __syncwarp();
  for (int d = 0; d < HS / kTile; d++)
    store(s.strip + d * kTile, ss, columns_times_head(s.dscores, rstride, r0, s.q, hstride, d, layout.Tp));
  __syncwarp();
  write_rows<HS>(rows + C, 3 * C, s.strip, ss, r0, T);  // dk
}

// Calls f(std::integral_constant<int, HS>) for the head sizes the kernels are built for; false otherwise.
template <typename F>
bool with_head_size(int hs, F&& f) {
  switch (hs) {
    case 16: f(std::integral_constant<int, 16>{}); return true;
    case 32: f(std::integral_constant<int, 32>{}); return true;
    case 64: f(std::integral_constant<int, 64>{}); return true;
    default: return false;
  }
}

// The dynamic shared memory a block may have on this device, granted to every kernel above.
int shared_limit() {
  static const int limit = [] {
    int device = 0, bytes = 0;
    check(cudaGetDevice(&device), "finding the current device");
    check(cudaDeviceGetAttribute(&bytes, cudaDevAttrMaxSharedMemoryPerBlockOptin, device),
          "reading the shared memory size");
    for (int hs : {16, 32, 64})
      with_head_size(hs, [&](auto head_size) {
        constexpr int HS = decltype(head_size)::value;
        for (const void* kernel : {reinterpret_cast<const void*>(&forward_kernel<HS>),
                                   reinterpret_cast<const void*>(&backward_kernel<HS>)})
          check(cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, bytes),
                "granting the attention kernels shared memory");
      });
    return bytes;
  }();
  return limit;
}

dim3 grid_of(const AttentionShape& s) { return dim3(s.NH, s.B); }
int threads_of(const AttentionShape& s) { return SharedLayout(s.T, s.hs(), false).warps * 32; }

}  // namespace

void prepare_tensor_core_attention() { shared_limit(); }

bool tensor_core_attention_fits(const AttentionShape& s, std::initializer_list<const void*> tensors) {
  for (const void* tensor : tensors)
    if (reinterpret_cast<std::uintptr_t>(tensor) % 16 != 0) return false;
  return with_head_size(s.hs(), [](auto) {}) && s.T <= kMaxPaddedT && s.B <= 65535 &&
         SharedLayout(s.T, s.hs(), /*backward=*/true).total <= shared_limit();
}

void tensor_core_attention_forward(cudaStream_t stream, float* out, float* stats, const float* qkv,
                                   const int32_t* mask, float dropout_p, Seed seed, const AttentionShape& s) {
  with_head_size(s.hs(), [&](auto head_size) {
    constexpr int HS = decltype(head_size)::value;
    forward_kernel<HS><<<grid_of(s), threads_of(s), SharedLayout(s.T, HS, false).total, stream>>>(
        out, stats, qkv, mask, dropout_p, seed, s.scale(), s.T, s.C, s.NH);
  });
  check_launch("attention (tensor cores, forward)");
}

void tensor_core_attention_backward(cudaStream_t stream, float* dqkv, const float* dout, const float* qkv,
                                    const float* stats, const int32_t* mask, float dropout_p, Seed seed,
                                    const AttentionShape& s) {
  with_head_size(s.hs(), [&](auto head_size) {
    constexpr int HS = decltype(head_size)::value;
    backward_kernel<HS><<<grid_of(s), threads_of(s), SharedLayout(s.T, HS, true).total, stream>>>(
        dqkv, dout, qkv, stats, mask, dropout_p, seed, s.scale(), s.T, s.C, s.NH);
  });
  check_launch("attention (tensor cores, backward)");
}

}  // namespace textclass::backend::cuda
