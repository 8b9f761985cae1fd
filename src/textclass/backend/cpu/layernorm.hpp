#pragma once
// Layer normalisation over the last dimension. Shapes: inp, out, dinp, dout [N,C]; weight, bias,
// dweight, dbias [C]; mean, rstd [N]. Per row n:
//   mean = Σ_c x / C,  var = Σ_c (x - mean)² / C  (biased, as torch),  rstd = 1 / sqrt(var + eps)
//   norm = (x - mean) · rstd,  out = norm · weight + bias
// Backward, with g = dout · weight:
//   dinp = rstd · (g - mean_c(g) - norm · mean_c(g · norm))     (overwritten)
//   dweight += Σ_n dout · norm,  dbias += Σ_n dout               (accumulated)

namespace textclass::backend::cpu {

void layernorm_forward(float* out, float* mean, float* rstd, const float* inp, const float* weight, const float* bias,
                       float eps, int N, int C);

void layernorm_backward(float* dinp, float* dweight, float* dbias, const float* dout, const float* inp,
                        const float* weight, const float* mean, const float* rstd, int N, int C);

}  // namespace textclass::backend::cpu
