#include "textclass/backend/cpu/elementwise.hpp"

#include <cmath>

#include "textclass/backend/backend.hpp"
#include "textclass/backend/cpu/vector_math.hpp"

namespace textclass::backend::cpu {
namespace {

// Φ(x) = 0.5 (1 + erf(x / sqrt 2)) from the Gaussian tail on the side of x, so no 1 + erf cancels;
// pdf = φ(x), which the backward pass needs too.
float normal_cdf(float x, float pdf) {
  const float tail = pdf * mills_ratio(std::fabs(x));
  return x < 0.0f ? tail : 1.0f - tail;
}

// Both directions of dropout are the same map: keep and rescale, or zero.
void apply_dropout(float* out, const float* inp, float p, uint64_t seed, std::size_t n) {
  if (p == 0.0f) {  // evaluation: keeps everything, so skip drawing the mask
#pragma omp parallel for simd schedule(static)
    for (std::size_t i = 0; i < n; i++) out[i] = inp[i];
    return;
  }
  const float keep_scale = 1.0f / (1.0f - p);
#pragma omp parallel for simd schedule(static)
  for (std::size_t i = 0; i < n; i++) out[i] = dropout_uniform(seed, i) >= p ? inp[i] * keep_scale : 0.0f;
}

}  // namespace

void gelu_forward(float* out, const float* inp, std::size_t n) {
#pragma omp parallel for simd schedule(static)
  for (std::size_t i = 0; i < n; i++) {
    const float x = inp[i];
    out[i] = x * normal_cdf(x, gaussian_pdf(x));
  }
}

void gelu_backward(float* dinp, const float* inp, const float* dout, std::size_t n) {
#pragma omp parallel for simd schedule(static)
  for (std::size_t i = 0; i < n; i++) {
    const float x = inp[i];
    const float pdf = gaussian_pdf(x);
    dinp[i] = dout[i] * (normal_cdf(x, pdf) + x * pdf);
  }
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

void dropout_forward(float* out, const float* inp, float p, uint64_t seed, std::size_t n) {
  apply_dropout(out, inp, p, seed, n);
}

void dropout_backward(float* dinp, const float* dout, float p, uint64_t seed, std::size_t n) {
  apply_dropout(dinp, dout, p, seed, n);
}

}  // namespace textclass::backend::cpu
