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

Int8Weight::Int8Weight(const float* weight, int OC, int C)
    : values(static_cast<std::size_t>(OC) * C), scales(OC) {
#pragma omp parallel for
  for (int oc = 0; oc < OC; oc++) {
    const float* w = weight + static_cast<std::size_t>(oc) * C;
    const float scale = symmetric_scale(w, C);
    for (int c = 0; c < C; c++)
      values[static_cast<std::size_t>(oc) * C + c] = static_cast<int8_t>(std::nearbyint(w[c] / scale));
    scales[oc] = scale;
  }
}

namespace {

// One row of the input: its scale, and x_q + 128 (the gemm takes unsigned inputs and an offset).
[[gnu::always_inline]] inline void quantize_row(uint8_t* q, float* scale, const float* x, int C) {
  float max = 0.0f;
#pragma omp simd reduction(max : max)
  for (int c = 0; c < C; c++) max = std::max(max, std::fabs(x[c]));
  const float s = max > 0.0f ? max / 127.0f : 1.0f;
  const float inverse = 1.0f / s;
#pragma omp simd
  for (int c = 0; c < C; c++) q[c] = static_cast<uint8_t>(static_cast<int>(std::nearbyint(x[c] * inverse)) + 128);
  *scale = s;
}

// One row of the output from its int32 sums.
[[gnu::always_inline]] inline void dequantize_row(float* out, const int32_t* sums, float x_scale,
                                                  const float* weight_scales, const float* bias, int OC) {
#pragma omp simd
  for (int oc = 0; oc < OC; oc++)
    out[oc] = x_scale * weight_scales[oc] * static_cast<float>(sums[oc]) + (bias != nullptr ? bias[oc] : 0.0f);
}

}  // namespace

void int8_matmul_forward(float* out, const float* inp, const Int8Weight& weight, const float* bias, int N, int C,
                         int OC, Isa isa) {
  constexpr int offset = 128;
  // Kept from call to call; the OpenMP threads use the calling thread's buffers through these pointers
  // (in a parallel region, the name of a thread_local is each thread's own).
  thread_local std::vector<uint8_t> x_q_buffer;
  thread_local std::vector<float> x_scales_buffer;
  thread_local std::vector<int32_t> sums_buffer;
  x_q_buffer.resize(static_cast<std::size_t>(N) * C);
  x_scales_buffer.resize(N);
  sums_buffer.resize(static_cast<std::size_t>(N) * OC);
  uint8_t* const x_q = x_q_buffer.data();
  float* const x_scales = x_scales_buffer.data();
  int32_t* const sums = sums_buffer.data();
  const auto quantize = IsaVariants<quantize_row>::pick(isa);
#pragma omp parallel for
  for (int n = 0; n < N; n++)
    quantize(x_q + static_cast<std::size_t>(n) * C, x_scales + n, inp + static_cast<std::size_t>(n) * C, C);
  const int32_t no_output_offset = 0;
  const dnnl_status_t status =
      dnnl_gemm_u8s8s32('N', 'T', 'F', N, OC, C, 1.0f, x_q, C, static_cast<uint8_t>(offset),
                        weight.values.data(), C, 0, 0.0f, sums, OC, &no_output_offset);
  if (status != dnnl_success)
    throw std::logic_error(fmt::format("oneDNN gemm_u8s8s32(M={}, N={}, K={}) failed: status {}", N, OC, C,
                                       static_cast<int>(status)));
  const auto dequantize = IsaVariants<dequantize_row>::pick(isa);
#pragma omp parallel for
  for (int n = 0; n < N; n++)
    dequantize(out + static_cast<std::size_t>(n) * OC, sums + static_cast<std::size_t>(n) * OC, x_scales[n],
               weight.scales.data(), bias, OC);
}

}  // namespace textclass::backend::cpu
