#pragma once
// The kernels of layernorm.cu: LayerNorm over the C channels of each of N rows, one warp per row
// (and fused with the residual connection before it: residual_layernorm_forward, which also writes
// out's bf16 rounding when asked, for the product that reads out next):
//   forward   out = (x - mean) · rstd · weight + bias,  rstd = 1 / sqrt(var + eps) (biased variance)
//   backward  with g = dout · weight and norm = (x - mean) · rstd:
//             dinp = rstd · (g - mean(g) - norm · mean(g · norm)),
//             dweight += Σ_rows dout · norm,  dbias += Σ_rows dout
//
// Each kernel comes two ways: where the rows are 16-byte aligned and C a multiple of 4 up to 1024, a
// lane holds its channels in registers and moves them four at a time (a float4 a load; at one float
// a thread too few bytes are in flight to reach the memory's bandwidth); one float at a time
// otherwise. A header so that a test can also run them on host threads
// (tests/backend/elementwise_kernels_test.cpp, kernels_on_host.hpp).
#include <cuda_bf16.h>

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "textclass/backend/backend.hpp"  // dropout_uniform
#include "textclass/backend/cuda/launch.cuh"

namespace textclass::backend::cuda::layernorm {

constexpr int kWarps = 8;  // warps per block

// What a forward pass reads and writes: res = dropout(inp) + residual first where `residual` is not
// null (residual_layernorm_forward; the product rounded before the add, no fused multiply-add, so
// res equals what the separate dropout and add kernels give), then out = LayerNorm(res, or inp),
// its rounding unless `rounded` is null, and each row's mean and rstd.
struct ForwardRows {
  float* out;
  __nv_bfloat16* rounded;
  float *res, *mean, *rstd;
  const float *inp, *residual, *weight, *bias;
  float p;
  uint64_t seed;
  float eps;
  int N, C;

  // The LayerNorm's input at element i (inp[i] = x), once the thread has drawn its seed s.
  __device__ float input(std::size_t i, float x, uint64_t s) const {
    return residual == nullptr ? x : dropped(i, x, s) + residual[i];
  }
  // The same for the four elements from i (16-byte aligned: fits_quads), the residual read as one float4.
  __device__ float4 input4(std::size_t i, float4 x, uint64_t s) const {
    if (residual == nullptr) return x;
    const float4 r = *reinterpret_cast<const float4*>(residual + i);
    return make_float4(dropped(i, x.x, s) + r.x, dropped(i + 1, x.y, s) + r.y, dropped(i + 2, x.z, s) + r.z,
                       dropped(i + 3, x.w, s) + r.w);
  }
  // Dropout's output at element i (the product rounded before the add, no fused multiply-add).
  __device__ float dropped(std::size_t i, float x, uint64_t s) const {
    return p == 0.0f ? x : dropout_uniform(s, i) >= p ? __fmul_rn(x, 1.0f / (1.0f - p)) : 0.0f;
  }
  __device__ uint64_t seed_value() const { return residual == nullptr || p == 0.0f ? 0 : seed; }
};

constexpr int kMaxQuads = 8;  // float4s a lane holds: C up to 4·32·8 = 1024

// Whether forward_kernel<kQuads > 0> takes these rows: C a multiple of 4 up to 1024, every tensor
// 16-byte aligned (8 for the bf16 rounding).
inline bool fits_quads(const ForwardRows& f) {
  return f.C % 4 == 0 && f.C <= 4 * 32 * kMaxQuads && aligned(f.out, 16) && aligned(f.res, 16) &&
         aligned(f.inp, 16) && aligned(f.residual, 16) && aligned(f.weight, 16) && aligned(f.bias, 16) &&
         aligned(f.rounded, 8);
}

// The statistics in double, two passes, as on the CPU (so mean and rstd come out as the correctly
// rounded floats whatever the order of the sums): the row's mean from the lanes' partial sums, then
// 1 / sqrt(var + eps) from the lanes' partial sums of squares about the mean.
struct RowStatistics {
  double mean;
  __device__ float rstd(double lane_squares, int C, float eps) const {
    return static_cast<float>(1.0 / sqrt(warp_sum(lane_squares) / C + eps));
  }
};

// One warp a row. kQuads = 0: a lane takes channels lane, lane + 32, ... one float at a time, and
// reads its row's input again from memory for each pass. kQuads > 0 (fits_quads, C <= 128·kQuads):
// a lane holds float4s lane, lane + 32, ... in registers, read and written four floats at a time.
template <int kQuads>
__global__ void forward_kernel(ForwardRows f) {
  await_earlier_kernels();
  const int row = blockIdx.x * kWarps + threadIdx.x / 32, lane = threadIdx.x % 32;
  if (row >= f.N) return;  // the whole warp leaves together
  const int C = f.C;
  const std::size_t offset = static_cast<std::size_t>(row) * C;
  const uint64_t s = f.seed_value();
  float m = 0.0f, rs = 0.0f;
  if constexpr (kQuads == 0) {
    const float* x = f.residual == nullptr ? f.inp + offset : f.res + offset;  // the LayerNorm's input
    double sum = 0.0;
    for (int c = lane; c < C; c += 32) {
      const std::size_t i = offset + c;
      const float v = f.input(i, f.inp[i], s);
      if (f.residual != nullptr) f.res[i] = v;
      sum += v;
    }
    const RowStatistics statistics{warp_sum(sum) / C};
    double squares = 0.0;
    for (int c = lane; c < C; c += 32) squares += (x[c] - statistics.mean) * (x[c] - statistics.mean);
    m = static_cast<float>(statistics.mean);
    rs = statistics.rstd(squares, C, f.eps);
    for (int c = lane; c < C; c += 32) {
      const float y = (x[c] - m) * rs * f.weight[c] + f.bias[c];
      f.out[offset + c] = y;
      if (f.rounded != nullptr) f.rounded[offset + c] = __float2bfloat16_rn(y);
    }
  } else {
    // All of a lane's loads come first (its row's input, the weight and the bias) and its stores
    // last, since a load after a store may not be moved before it (on an H200 at batch 16 the op
    // took about what it took with the res stores among the loads: 14.4 against 14.8 us a call).
    const int quads = C / 4;
    float4 x[kQuads] = {}, w[kQuads] = {}, b[kQuads] = {};
TEXTCLASS_UNROLL
    for (int k = 0; k < kQuads; k++) {
      const int q = lane + 32 * k;
      if (q >= quads) continue;
      const std::size_t i = offset + 4 * static_cast<std::size_t>(q);
      x[k] = f.input4(i, *reinterpret_cast<const float4*>(f.inp + i), s);
      w[k] = *reinterpret_cast<const float4*>(f.weight + 4 * q);
      b[k] = *reinterpret_cast<const float4*>(f.bias + 4 * q);
    }
    double sum = 0.0;
TEXTCLASS_UNROLL
    for (int k = 0; k < kQuads; k++) {
      if (lane + 32 * k >= quads) continue;
      sum += x[k].x;
      sum += x[k].y;
      sum += x[k].z;
      sum += x[k].w;
    }
    const RowStatistics statistics{warp_sum(sum) / C};
    const double mu = statistics.mean;
    double squares = 0.0;
TEXTCLASS_UNROLL
    for (int k = 0; k < kQuads; k++) {
      if (lane + 32 * k >= quads) continue;
      squares += (x[k].x - mu) * (x[k].x - mu) + (x[k].y - mu) * (x[k].y - mu);
      squares += (x[k].z - mu) * (x[k].z - mu) + (x[k].w - mu) * (x[k].w - mu);
    }
    m = static_cast<float>(mu);
    rs = statistics.rstd(squares, C, f.eps);
TEXTCLASS_UNROLL
    for (int k = 0; k < kQuads; k++) {
      const int q = lane + 32 * k;
      if (q >= quads) continue;
      const int c = 4 * q;
      if (f.residual != nullptr) *reinterpret_cast<float4*>(f.res + offset + c) = x[k];
      const float4 y = make_float4((x[k].x - m) * rs * w[k].x + b[k].x, (x[k].y - m) * rs * w[k].y + b[k].y,
                                   (x[k].z - m) * rs * w[k].z + b[k].z, (x[k].w - m) * rs * w[k].w + b[k].w);
      *reinterpret_cast<float4*>(f.out + offset + c) = y;
      if (f.rounded != nullptr) store_rounded(f.rounded + offset + c, y);
    }
  }
  if (lane == 0) {
    f.mean[row] = m;
    f.rstd[row] = rs;
  }
}

// use(std::integral_constant<int, kQuads>) with the kernels' kQuads for rows of C channels: the
// fewest float4s a lane that hold a row where `quads` (fits_quads), else 0.
template <typename Use>
void with_quads(bool quads, int C, Use&& use) {
  const int needed = (C / 4 + 31) / 32;  // float4s a lane
  if (!quads) use(std::integral_constant<int, 0>{});
  else if (needed <= 1) use(std::integral_constant<int, 1>{});
  else if (needed <= 2) use(std::integral_constant<int, 2>{});
  else if (needed <= 4) use(std::integral_constant<int, 4>{});
  else if (needed <= 6) use(std::integral_constant<int, 6>{});
  else use(std::integral_constant<int, kMaxQuads>{});
}

// use(kernel) with the forward kernel for these rows.
template <typename Use>
void with_forward_kernel(const ForwardRows& rows, Use&& use) {
  with_quads(fits_quads(rows), rows.C, [&](auto quads) { use(forward_kernel<decltype(quads)::value>); });
}

// What a backward pass reads and writes: the output gradient dout, plus dout2 unless it is null
// (summed as the add kernel sums); dinp (the LayerNorm's input gradient) and, unless `dropped` is
// null, dropout's backward pass over it with the forward's mask, as the dropout kernel computes it
// (residual_layernorm_backward); dweight and dbias accumulate. Where dropped is written: its column
// sums accumulate into dropped_sums and its bf16 rounding goes to dropped_rounded, each unless null
// (the bias gradient and the products' factor of the linear layer before the dropout).
struct BackwardRows {
  float *dinp, *dropped, *dweight, *dbias;
  const float *dout, *dout2, *inp, *weight, *mean, *rstd;
  float p;
  uint64_t seed;
  int N, C;
  float* dropped_sums = nullptr;
  __nv_bfloat16* dropped_rounded = nullptr;

  __device__ float gradient(std::size_t i) const { return dout2 == nullptr ? dout[i] : dout[i] + dout2[i]; }
  __device__ float4 gradient4(std::size_t i) const {
    const float4 d = *reinterpret_cast<const float4*>(dout + i);
    if (dout2 == nullptr) return d;
    const float4 e = *reinterpret_cast<const float4*>(dout2 + i);
    return make_float4(d.x + e.x, d.y + e.y, d.z + e.z, d.w + e.w);
  }
  // dropped[i] from dinp[i] = v, once the thread has drawn its seed s
  __device__ float drop(std::size_t i, float v, uint64_t s) const {
    return p == 0.0f || dropout_uniform(s, i) >= p ? v * (1.0f / (1.0f - p)) : 0.0f;
  }
  __device__ uint64_t seed_value() const { return dropped == nullptr || p == 0.0f ? 0 : seed; }
};

// Whether backward_kernel<kQuads > 0> takes these rows (as fits_quads for the forward pass).
inline bool fits_quads(const BackwardRows& g) {
  return g.C % 4 == 0 && g.C <= 4 * 32 * kMaxQuads && aligned(g.dinp, 16) && aligned(g.dropped, 16) &&
         aligned(g.dout, 16) && aligned(g.dout2, 16) && aligned(g.inp, 16) && aligned(g.weight, 16) &&
         aligned(g.dropped_rounded, 8);
}

// A warp per row, each warp taking rows warp, warp + W, ... (W the grid's warps: at most one block
// an SM, so that few blocks add their sums to the parameter gradients). A lane sums the dweight,
// dbias and dropped_sums terms of its channels over its warp's rows; the block's warps add theirs
// to 3C floats of shared memory (kSums), then one atomic add per channel and sum goes to global
// memory. kQuads as forward_kernel's: 0, one float at a time, each row's terms added to shared
// memory with atomic adds; else a lane's channels in registers, float4s, and the warps' sums added
// to shared memory one warp after another (with every warp adding each row's terms with shared
// atomic adds to the same channels, and a block of 8 rows, the residual LayerNorm's backward pass
// took 28 us a call on an H200 at batch 16; 20 this way, bench/RESULTS.md).
constexpr int kSums = 3;  // column sums in a backward block's shared memory: dweight, dbias, dropped's

template <int kQuads>
__global__ void backward_kernel(BackwardRows g) {
  await_earlier_kernels();
  const int C = g.C;
  float* dweight_block = reinterpret_cast<float*>(block_shared_memory());
  float* dbias_block = dweight_block + C;
  float* dropped_block = dbias_block + C;
  for (int c = threadIdx.x; c < C; c += blockDim.x) dweight_block[c] = dbias_block[c] = dropped_block[c] = 0.0f;
  __syncthreads();
  const int lane = threadIdx.x % 32, warp = threadIdx.x / 32;
  const int first_row = blockIdx.x * kWarps + warp, row_stride = gridDim.x * kWarps;
  const uint64_t s = g.seed_value();
  if constexpr (kQuads == 0) {
    for (int row = first_row; row < g.N; row += row_stride) {
      const std::size_t offset = static_cast<std::size_t>(row) * C;
      const float m = g.mean[row], rs = g.rstd[row];
      const float* x = g.inp + offset;
      float g_sum = 0.0f, g_norm_sum = 0.0f;
      for (int c = lane; c < C; c += 32) {
        const float gc = g.gradient(offset + c) * g.weight[c];
        g_sum += gc;
        g_norm_sum += gc * ((x[c] - m) * rs);
      }
      const float g_mean = warp_sum(g_sum) / C, g_norm_mean = warp_sum(g_norm_sum) / C;
      for (int c = lane; c < C; c += 32) {
        const float norm = (x[c] - m) * rs;
        const float dc = g.gradient(offset + c);
        const float v = rs * (dc * g.weight[c] - g_mean - norm * g_norm_mean);
        g.dinp[offset + c] = v;
        if (g.dropped != nullptr) {
          const float dropped = g.drop(offset + c, v, s);
          g.dropped[offset + c] = dropped;
          if (g.dropped_rounded != nullptr) g.dropped_rounded[offset + c] = __float2bfloat16_rn(dropped);
          if (g.dropped_sums != nullptr) atomicAdd(&dropped_block[c], dropped);
        }
        atomicAdd(&dweight_block[c], dc * norm);
        atomicAdd(&dbias_block[c], dc);
      }
    }
  } else {
    const int quads = C / 4;
    float4 dweight[kQuads] = {}, dbias[kQuads] = {}, dropped_sum[kQuads] = {};  // this lane's, over its rows
    for (int row = first_row; row < g.N; row += row_stride) {
      const std::size_t offset = static_cast<std::size_t>(row) * C;
      const float m = g.mean[row], rs = g.rstd[row];
      float g_sum = 0.0f, g_norm_sum = 0.0f;
      // (zeros: the host compiler cannot see every read guarded)
      float4 norm[kQuads] = {}, d[kQuads] = {}, w[kQuads] = {};
TEXTCLASS_UNROLL
      for (int k = 0; k < kQuads; k++) {
        const int q = lane + 32 * k;
        if (q >= quads) continue;
        const float4 x = *reinterpret_cast<const float4*>(g.inp + offset + 4 * q);
        w[k] = *reinterpret_cast<const float4*>(g.weight + 4 * q);
        d[k] = g.gradient4(offset + 4 * q);
        norm[k] = make_float4((x.x - m) * rs, (x.y - m) * rs, (x.z - m) * rs, (x.w - m) * rs);
        const float4 gc = make_float4(d[k].x * w[k].x, d[k].y * w[k].y, d[k].z * w[k].z, d[k].w * w[k].w);
        g_sum += gc.x + gc.y + gc.z + gc.w;
        g_norm_sum += gc.x * norm[k].x + gc.y * norm[k].y + gc.z * norm[k].z + gc.w * norm[k].w;
      }
      const float g_mean = warp_sum(g_sum) / C, g_norm_mean = warp_sum(g_norm_sum) / C;
TEXTCLASS_UNROLL
      for (int k = 0; k < kQuads; k++) {
        const int q = lane + 32 * k;
        if (q >= quads) continue;
        const int c = 4 * q;
        const std::size_t i = offset + c;
        const float4 v = make_float4(rs * (d[k].x * w[k].x - g_mean - norm[k].x * g_norm_mean),
                                     rs * (d[k].y * w[k].y - g_mean - norm[k].y * g_norm_mean),
                                     rs * (d[k].z * w[k].z - g_mean - norm[k].z * g_norm_mean),
                                     rs * (d[k].w * w[k].w - g_mean - norm[k].w * g_norm_mean));
        *reinterpret_cast<float4*>(g.dinp + i) = v;
        if (g.dropped != nullptr) {
          const float4 dropped =
              make_float4(g.drop(i, v.x, s), g.drop(i + 1, v.y, s), g.drop(i + 2, v.z, s), g.drop(i + 3, v.w, s));
          *reinterpret_cast<float4*>(g.dropped + i) = dropped;
          if (g.dropped_rounded != nullptr) store_rounded(g.dropped_rounded + i, dropped);
          dropped_sum[k] = make_float4(dropped_sum[k].x + dropped.x, dropped_sum[k].y + dropped.y,
                                       dropped_sum[k].z + dropped.z, dropped_sum[k].w + dropped.w);
        }
        dweight[k].x += d[k].x * norm[k].x;
        dweight[k].y += d[k].y * norm[k].y;
        dweight[k].z += d[k].z * norm[k].z;
        dweight[k].w += d[k].w * norm[k].w;
        dbias[k].x += d[k].x;
        dbias[k].y += d[k].y;
        dbias[k].z += d[k].z;
        dbias[k].w += d[k].w;
      }
    }
    for (int w = 0; w < kWarps; w++) {  // one warp after another, each lane its own float4s
      if (warp == w) {
TEXTCLASS_UNROLL
        for (int k = 0; k < kQuads; k++) {
          const int q = lane + 32 * k;
          if (q >= quads) continue;
          float4& dw = reinterpret_cast<float4*>(dweight_block)[q];
          float4& db = reinterpret_cast<float4*>(dbias_block)[q];
          float4& ds = reinterpret_cast<float4*>(dropped_block)[q];
          dw = make_float4(dw.x + dweight[k].x, dw.y + dweight[k].y, dw.z + dweight[k].z, dw.w + dweight[k].w);
          db = make_float4(db.x + dbias[k].x, db.y + dbias[k].y, db.z + dbias[k].z, db.w + dbias[k].w);
          ds = make_float4(ds.x + dropped_sum[k].x, ds.y + dropped_sum[k].y, ds.z + dropped_sum[k].z,
                           ds.w + dropped_sum[k].w);
        }
      }
      __syncthreads();
    }
  }
  __syncthreads();
  for (int c = threadIdx.x; c < C; c += blockDim.x) {
    atomicAdd(&g.dweight[c], dweight_block[c]);
    atomicAdd(&g.dbias[c], dbias_block[c]);
    if (g.dropped_sums != nullptr) atomicAdd(&g.dropped_sums[c], dropped_block[c]);
  }
}

// use(kernel) with the backward kernel for these rows.
template <typename Use>
void with_backward_kernel(const BackwardRows& rows, Use&& use) {
  with_quads(fits_quads(rows), rows.C, [&](auto quads) { use(backward_kernel<decltype(quads)::value>); });
}

}  // namespace textclass::backend::cuda::layernorm
