#include "textclass/backend/cpu/int8_matmul.hpp"

#include <fmt/format.h>
#include <oneapi/dnnl/dnnl.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <stdexcept>

namespace textclass::backend::cpu {
namespace {

// The scale that maps a row's largest magnitude to 127 (1 for a row of zeros).
float symmetric_scale(const float* x, int n) {
  float max = 0.0f;
  for (int i = 0; i < n; i++) max = std::max(max, std::fabs(x[i]));
  return max > 0.0f ? max / 127.0f : 1.0f;
}

}  // namespace

Int8Weight quantize_weight(const float* weight, int OC, int C) {
  Int8Weight q;
  q.values.resize(static_cast<std::size_t>(OC) * C);
  q.scales.resize(OC);
#pragma omp parallel for
  for (int oc = 0; oc < OC; oc++) {
    const float* w = weight + static_cast<std::size_t>(oc) * C;
    const float scale = symmetric_scale(w, C);
    for (int c = 0; c < C; c++)
      q.values[static_cast<std::size_t>(oc) * C + c] = static_cast<int8_t>(std::nearbyint(w[c] / scale));
    q.scales[oc] = scale;
  }
  return q;
}

void int8_matmul_forward(float* out, const float* inp, const Int8Weight& weight, const float* bias, int N, int C,
                         int OC) {
  // The gemm takes unsigned inputs and an offset: x_q + 128 in [1, 255], offset 128.
  constexpr int offset = 128;
  std::vector<uint8_t> x_q(static_cast<std::size_t>(N) * C);
  std::vector<float> x_scales(N);
#pragma omp parallel for
  for (int n = 0; n < N; n++) {
    const float* x = inp + static_cast<std::size_t>(n) * C;
    const float scale = symmetric_scale(x, C);
    uint8_t* q = x_q.data() + static_cast<std::size_t>(n) * C;
    for (int c = 0; c < C; c++) q[c] = static_cast<uint8_t>(static_cast<int>(std::nearbyint(x[c] / scale)) + offset);
    x_scales[n] = scale;
  }
  std::vector<int32_t> sums(static_cast<std::size_t>(N) * OC);
  const int32_t no_output_offset = 0;
  const dnnl_status_t status =
      dnnl_gemm_u8s8s32('N', 'T', 'F', N, OC, C, 1.0f, x_q.data(), C, static_cast<uint8_t>(offset),
                        weight.values.data(), C, 0, 0.0f, sums.data(), OC, &no_output_offset);
  if (status != dnnl_success)
    throw std::logic_error(fmt::format("oneDNN gemm_u8s8s32(M={}, N={}, K={}) failed: status {}", N, OC, C,
                                       static_cast<int>(status)));
#pragma omp parallel for
  for (int n = 0; n < N; n++) {
    const int32_t* s = sums.data() + static_cast<std::size_t>(n) * OC;
    float* o = out + static_cast<std::size_t>(n) * OC;
    for (int oc = 0; oc < OC; oc++)
      o[oc] = x_scales[n] * weight.scales[oc] * static_cast<float>(s[oc]) + (bias != nullptr ? bias[oc] : 0.0f);
  }
}

}  // namespace textclass::backend::cpu
