#include "textclass/backend/cpu/elementwise.hpp"

#include <cmath>

#include <cstring>

#include "textclass/backend/backend.hpp"
#include "textclass/backend/cpu/vector_math.hpp"

namespace textclass::backend::cpu {
namespace {

// Φ(x) = 0.5 (1 + erf(x / sqrt 2)) from the Gaussian tail on the side of x, so no 1 + erf cancels;
// pdf = φ(x), which the backward pass needs too.
[[gnu::always_inline]] inline float normal_cdf(float x, float pdf) {
  const float tail = pdf * mills_ratio(std::fabs(x));
  return x < 0.0f ? tail : 1.0f - tail;
}

[[gnu::always_inline]] inline void gelu_forward_span(float* out, const float* inp, std::size_t n) {
#pragma omp simd
  for (std::size_t i = 0; i < n; i++) {
    const float x = inp[i];
    out[i] = x * normal_cdf(x, gaussian_pdf(x));
  }
}

[[gnu::always_inline]] inline void gelu_backward_span(float* dinp, const float* inp, const float* dout,
                                                      std::size_t n) {
#pragma omp simd
  for (std::size_t i = 0; i < n; i++) {
    const float x = inp[i];
    const float pdf = gaussian_pdf(x);
    dinp[i] = dout[i] * (normal_cdf(x, pdf) + x * pdf);
  }
}

// Elements first .. first + n - 1 of a dropout (their indices draw the mask).
[[gnu::always_inline]] inline void dropout_span(float* out, const float* inp, float p, uint64_t seed,
                                                std::size_t first, std::size_t n) {
  const float keep_scale = 1.0f / (1.0f - p);
#pragma omp simd
  for (std::size_t i = 0; i < n; i++) out[i] = dropout_uniform(seed, first + i) >= p ? inp[i] * keep_scale : 0.0f;
}

// Both directions of dropout are the same map: keep and rescale, or zero.
void apply_dropout(float* out, const float* inp, float p, uint64_t seed, std::size_t n, Isa isa) {
  if (p == 0.0f) {  // evaluation: keeps everything, so skip drawing the mask
    if (out != inp) for_each_chunk(n, [&](std::size_t b, std::size_t e) { std::memcpy(out + b, inp + b, (e - b) * sizeof(float)); });
    return;
  }
  const auto span = IsaVariants<dropout_span>::pick(isa);
  for_each_chunk(n, [&](std::size_t b, std::size_t e) { span(out + b, inp + b, p, seed, b, e - b); });
}

}  // namespace

void gelu_forward(float* out, const float* inp, std::size_t n, Isa isa) {
  const auto span = IsaVariants<gelu_forward_span>::pick(isa);
  for_each_chunk(n, [&](std::size_t b, std::size_t e) { span(out + b, inp + b, e - b); });
}

void gelu_backward(float* dinp, const float* inp, const float* dout, std::size_t n, Isa isa) {
  const auto span = IsaVariants<gelu_backward_span>::pick(isa);
  for_each_chunk(n, [&](std::size_t b, std::size_t e) { span(dinp + b, inp + b, dout + b, e - b); });
}

void tanh_forward(float* out, const float* inp, std::size_t n) {
#pragma omp parallel for
  for (std::size_t i = 0; i < n; i++) out[i] = std::tanh(inp[i]);
}

void tanh_backward(float* dinp, const float* out, const float* dout, std::size_t n) {
#pragma omp parallel for
  for (std::size_t i = 0; i < n; i++) dinp[i] = dout[i] * (1.0f - out[i] * out[i]);
}

void relu_forward(float* out, const float* inp, std::size_t n) {
#pragma omp parallel for
  for (std::size_t i = 0; i < n; i++) out[i] = inp[i] > 0.0f ? inp[i] : 0.0f;
}

void relu_backward(float* dinp, const float* out, const float* dout, std::size_t n) {
#pragma omp parallel for
  for (std::size_t i = 0; i < n; i++) dinp[i] = out[i] > 0.0f ? dout[i] : 0.0f;
}

void add(float* out, const float* a, const float* b, std::size_t n) {
#pragma omp parallel for
  for (std::size_t i = 0; i < n; i++) out[i] = a[i] + b[i];
}

void dropout_forward(float* out, const float* inp, float p, uint64_t seed, std::size_t n, Isa isa) {
  apply_dropout(out, inp, p, seed, n, isa);
}

void dropout_backward(float* dinp, const float* dout, float p, uint64_t seed, std::size_t n, Isa isa) {
  apply_dropout(dinp, dout, p, seed, n, isa);
}

}  // namespace textclass::backend::cpu
