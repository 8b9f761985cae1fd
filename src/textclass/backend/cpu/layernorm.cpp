#include "textclass/backend/cpu/layernorm.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>

#include "textclass/backend/backend.hpp"

namespace textclass::backend::cpu {
namespace {

// One row. The statistics are summed in double, two passes, so mean and rstd are the correctly
// rounded floats: torch's float Welford sums land within an ulp or two of them.
[[gnu::always_inline]] inline void layernorm_row(float* out, float* mean, float* rstd, const float* x,
                                                 const float* weight, const float* bias, float eps, int C) {
  double sum = 0.0;
#pragma omp simd reduction(+ : sum)
  for (int c = 0; c < C; c++) sum += x[c];
  const double m = sum / C;
  double squares = 0.0;
#pragma omp simd reduction(+ : squares)
  for (int c = 0; c < C; c++) squares += (x[c] - m) * (x[c] - m);
  const float row_mean = static_cast<float>(m);
  const float row_rstd = static_cast<float>(1.0 / std::sqrt(squares / C + eps));
#pragma omp simd
  for (int c = 0; c < C; c++) out[c] = (x[c] - row_mean) * row_rstd * weight[c] + bias[c];
  *mean = row_mean;
  *rstd = row_rstd;
}

// One row of res = dropout(inp) + residual, whose first element has dropout index `first`; then
// its layer normalisation, while the row is in cache.
[[gnu::always_inline]] inline void residual_layernorm_row(float* out, float* res, float* mean, float* rstd,
                                                          const float* inp, const float* residual,
                                                          const float* weight, const float* bias, float dropout_p,
                                                          uint64_t seed, std::size_t first, float eps, int C) {
  if (dropout_p == 0.0f) {
#pragma omp simd
    for (int c = 0; c < C; c++) res[c] = inp[c] + residual[c];
  } else {
    const float keep_scale = 1.0f / (1.0f - dropout_p);
#pragma omp simd
    for (int c = 0; c < C; c++)
      res[c] = (dropout_uniform(seed, first + c) >= dropout_p ? inp[c] * keep_scale : 0.0f) + residual[c];
  }
  layernorm_row(out, mean, rstd, res, weight, bias, eps, C);
}

// One row of dinp; see layernorm.hpp.
[[gnu::always_inline]] inline void layernorm_backward_row(float* dx, const float* d, const float* x,
                                                          const float* weight, float mean, float rstd, int C) {
  double g_sum = 0.0, g_norm_sum = 0.0;
#pragma omp simd reduction(+ : g_sum, g_norm_sum)
  for (int c = 0; c < C; c++) {
    const float g = d[c] * weight[c];
    g_sum += g;
    g_norm_sum += g * ((x[c] - mean) * rstd);
  }
  const float g_mean = static_cast<float>(g_sum / C);
  const float g_norm_mean = static_cast<float>(g_norm_sum / C);
#pragma omp simd
  for (int c = 0; c < C; c++) {
    const float norm = (x[c] - mean) * rstd;
    dx[c] = rstd * (d[c] * weight[c] - g_mean - norm * g_norm_mean);
  }
}

}  // namespace

void layernorm_forward(float* out, float* mean, float* rstd, const float* inp, const float* weight, const float* bias,
                       float eps, int N, int C, Isa isa) {
  const auto row = IsaVariants<layernorm_row>::pick(isa);
#pragma omp parallel for
  for (int n = 0; n < N; n++) {
    const std::size_t offset = static_cast<std::size_t>(n) * C;
    row(out + offset, mean + n, rstd + n, inp + offset, weight, bias, eps, C);
  }
}

void residual_layernorm_forward(float* out, float* res, float* mean, float* rstd, const float* inp,
                                const float* residual, const float* weight, const float* bias, float dropout_p,
                                uint64_t seed, float eps, int N, int C, Isa isa) {
  const auto row = IsaVariants<residual_layernorm_row>::pick(isa);
#pragma omp parallel for
  for (int n = 0; n < N; n++) {
    const std::size_t offset = static_cast<std::size_t>(n) * C;
    row(out + offset, res + offset, mean + n, rstd + n, inp + offset, residual + offset, weight, bias, dropout_p,
        seed, offset, eps, C);
  }
}

void layernorm_backward(float* dinp, float* dweight, float* dbias, const float* dout, const float* inp,
                        const float* weight, const float* mean, const float* rstd, int N, int C, Isa isa) {
  const auto row = IsaVariants<layernorm_backward_row>::pick(isa);
#pragma omp parallel for
  for (int n = 0; n < N; n++) {
    const std::size_t offset = static_cast<std::size_t>(n) * C;
    row(dinp + offset, dout + offset, inp + offset, weight, mean[n], rstd[n], C);
  }
  // The parameter gradients sum over rows, so threads split the channels: no races, and the
  // order of the sums does not depend on the thread count.
  constexpr int block = 64;
#pragma omp parallel for schedule(static)
  for (int c0 = 0; c0 < C; c0 += block) {
    const int c1 = std::min(C, c0 + block);
    double weight_sum[block] = {}, bias_sum[block] = {};
    for (int n = 0; n < N; n++) {
      const std::size_t row_offset = static_cast<std::size_t>(n) * C;
      for (int c = c0; c < c1; c++) {
        const float norm = (inp[row_offset + c] - mean[n]) * rstd[n];
        weight_sum[c - c0] += dout[row_offset + c] * norm;
        bias_sum[c - c0] += dout[row_offset + c];
      }
    }
    for (int c = c0; c < c1; c++) {
      dweight[c] += static_cast<float>(weight_sum[c - c0]);
      dbias[c] += static_cast<float>(bias_sum[c - c0]);
    }
  }
}

}  // namespace textclass::backend::cpu
