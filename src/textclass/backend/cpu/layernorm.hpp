#pragma once
// Layer normalisation over the last dimension. Shapes: inp, out, dinp, dout [N,C]; weight, bias,
// dweight, dbias [C]; mean, rstd [N]. Per row n:
//   mean = Σ_c x / C,  var = Σ_c (x - mean)² / C  (biased, as torch),  rstd = 1 / sqrt(var + eps)
//   norm = (x - mean) · rstd,  out = norm · weight + bias
// Backward, with g = dout · weight:
//   dinp = rstd · (g - mean_c(g) - norm · mean_c(g · norm))     (overwritten)
//   dweight += Σ_n dout · norm,  dbias += Σ_n dout               (accumulated)
// residual_layernorm_forward: res = dropout(inp) + residual (dropout as elementwise.hpp's, element
// indices row-major over [N,C]), then out = layernorm(res), a row at a time.
#include <cstdint>

#include "textclass/backend/cpu/isa.hpp"

namespace textclass::backend::cpu {

void layernorm_forward(float* out, float* mean, float* rstd, const float* inp, const float* weight, const float* bias,
                       float eps, int N, int C, Isa isa);

void residual_layernorm_forward(float* out, float* res, float* mean, float* rstd, const float* inp,
                                const float* residual, const float* weight, const float* bias, float dropout_p,
                                uint64_t seed, float eps, int N, int C, Isa isa);

void layernorm_backward(float* dinp, float* dweight, float* dbias, const float* dout, const float* inp,
                        const float* weight, const float* mean, const float* rstd, int N, int C, Isa isa);

}  // namespace textclass::backend::cpu
