#pragma once
// Elementwise ops over n floats: activations, residual add, dropout. Input gradients are overwritten.
// The ones that cost arithmetic take the vector instructions to run with (isa.hpp).
//   gelu:    out = x · 0.5 · (1 + erf(x / sqrt 2))          (exact GELU, as torch's default)
//            dinp = dout · (Φ(x) + x · φ(x)),  Φ(x) = 0.5 (1 + erf(x / sqrt 2)),  φ(x) = exp(-x²/2) / sqrt(2π)
//   tanh:    out = tanh(x);  dinp = dout · (1 - out²), from the saved output
//   relu:    out = max(x, 0);  dinp = out > 0 ? dout : 0, from the saved output (torch's: 0 at x = 0)
//   add:     out = a + b  (out may alias a or b)
//   dropout: out = x · keep_i / (1-p),  keep_i = dropout_uniform(seed, i) >= p;  dinp = dout · keep_i / (1-p)
#include <cstddef>
#include <cstdint>

#include "textclass/backend/cpu/isa.hpp"

namespace textclass::backend::cpu {

void gelu_forward(float* out, const float* inp, std::size_t n, Isa isa);
void gelu_backward(float* dinp, const float* inp, const float* dout, std::size_t n, Isa isa);

void tanh_forward(float* out, const float* inp, std::size_t n);
void tanh_backward(float* dinp, const float* out, const float* dout, std::size_t n);

void relu_forward(float* out, const float* inp, std::size_t n);
void relu_backward(float* dinp, const float* out, const float* dout, std::size_t n);

void add(float* out, const float* a, const float* b, std::size_t n);

void dropout_forward(float* out, const float* inp, float p, uint64_t seed, std::size_t n, Isa isa);
void dropout_backward(float* dinp, const float* dout, float p, uint64_t seed, std::size_t n, Isa isa);

}  // namespace textclass::backend::cpu
