#include "textclass/backend/cpu/elementwise.hpp"

#include <cmath>

#include "textclass/backend/backend.hpp"

namespace textclass::backend::cpu {
namespace {

constexpr float inv_sqrt2 = 0.70710678118654752440f;
constexpr float inv_sqrt_2pi = 0.39894228040143267794f;

// Both directions of dropout are the same map: keep and rescale, or zero.
void apply_dropout(float* out, const float* inp, float p, uint64_t seed, std::size_t n) {
  const float keep_scale = 1.0f / (1.0f - p);
#pragma omp parallel for
  for (std::size_t i = 0; i < n; i++) out[i] = dropout_uniform(seed, i) >= p ? inp[i] * keep_scale : 0.0f;
}

}  // namespace

void gelu_forward(float* out, const float* inp, std::size_t n) {
#pragma omp parallel for
  for (std::size_t i = 0; i < n; i++) out[i] = inp[i] * 0.5f * (1.0f + std::erf(inp[i] * inv_sqrt2));
}

void gelu_backward(float* dinp, const float* inp, const float* dout, std::size_t n) {
#pragma omp parallel for
  for (std::size_t i = 0; i < n; i++) {
    const float x = inp[i];
    const float cdf = 0.5f * (1.0f + std::erf(x * inv_sqrt2));
    const float pdf = inv_sqrt_2pi * std::exp(-0.5f * x * x);
    dinp[i] = dout[i] * (cdf + x * pdf);
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
