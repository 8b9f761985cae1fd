#include "textclass/backend/cpu/layernorm.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>

namespace textclass::backend::cpu {

void layernorm_forward(float* out, float* mean, float* rstd, const float* inp, const float* weight, const float* bias,
                       float eps, int N, int C) {
  // The row statistics are summed in double, two passes, so mean and rstd are the correctly
  // rounded floats: torch's float Welford sums land within an ulp or two of them.
#pragma omp parallel for
  for (int n = 0; n < N; n++) {
    const float* x = inp + static_cast<std::size_t>(n) * C;
    double sum = 0.0;
#pragma omp simd reduction(+ : sum)
    for (int c = 0; c < C; c++) sum += x[c];
    const double m = sum / C;
    double squares = 0.0;
#pragma omp simd reduction(+ : squares)
    for (int c = 0; c < C; c++) squares += (x[c] - m) * (x[c] - m);
    const float row_mean = static_cast<float>(m);
    const float row_rstd = static_cast<float>(1.0 / std::sqrt(squares / C + eps));
    float* o = out + static_cast<std::size_t>(n) * C;
    for (int c = 0; c < C; c++) o[c] = (x[c] - row_mean) * row_rstd * weight[c] + bias[c];
    mean[n] = row_mean;
    rstd[n] = row_rstd;
  }
}

void layernorm_backward(float* dinp, float* dweight, float* dbias, const float* dout, const float* inp,
                        const float* weight, const float* mean, const float* rstd, int N, int C) {
#pragma omp parallel for
  for (int n = 0; n < N; n++) {
    const std::size_t row = static_cast<std::size_t>(n) * C;
    const float* x = inp + row;
    const float* d = dout + row;
    double g_sum = 0.0, g_norm_sum = 0.0;
#pragma omp simd reduction(+ : g_sum, g_norm_sum)
    for (int c = 0; c < C; c++) {
      const float g = d[c] * weight[c];
      g_sum += g;
      g_norm_sum += g * ((x[c] - mean[n]) * rstd[n]);
    }
    const float g_mean = static_cast<float>(g_sum / C);
    const float g_norm_mean = static_cast<float>(g_norm_sum / C);
    float* dx = dinp + row;
    for (int c = 0; c < C; c++) {
      const float norm = (x[c] - mean[n]) * rstd[n];
      dx[c] = rstd[n] * (d[c] * weight[c] - g_mean - norm * g_norm_mean);
    }
  }
  // The parameter gradients sum over rows, so threads split the channels: no races, and the
  // order of the sums does not depend on the thread count.
  constexpr int block = 64;
#pragma omp parallel for schedule(static)
  for (int c0 = 0; c0 < C; c0 += block) {
    const int c1 = std::min(C, c0 + block);
    double weight_sum[block] = {}, bias_sum[block] = {};
    for (int n = 0; n < N; n++) {
      const std::size_t row = static_cast<std::size_t>(n) * C;
      for (int c = c0; c < c1; c++) {
        const float norm = (inp[row + c] - mean[n]) * rstd[n];
        weight_sum[c - c0] += dout[row + c] * norm;
        bias_sum[c - c0] += dout[row + c];
      }
    }
    for (int c = c0; c < c1; c++) {
      dweight[c] += static_cast<float>(weight_sum[c - c0]);
      dbias[c] += static_cast<float>(bias_sum[c - c0]);
    }
  }
}

}  // namespace textclass::backend::cpu
