#pragma once
// Linear layers in int8 for inference, as ONNX Runtime's dynamic quantization does it: the weights
// are quantized once, per output channel, and each row of the input when it comes, so that the
// product runs on 8-bit integers (VNNI where the processor has it, by oneDNN's u8s8s32 gemm) and
// sums in int32 exactly. Symmetric scales, no zero points:
//   weight: w_q[oc,c] = round(w[oc,c] / s_w[oc]),  s_w[oc] = max_c |w[oc,c]| / 127
//   input:  x_q[n,c]  = round(x[n,c] / s_x[n]),    s_x[n]  = max_c |x[n,c]| / 127
//   out[n,oc] = s_x[n] · s_w[oc] · Σ_c x_q[n,c] · w_q[oc,c] + bias[oc]
// Shapes as matmul.hpp's.
#include <cstdint>
#include <vector>

#include "textclass/backend/cpu/isa.hpp"

namespace textclass::backend::cpu {

// A weight [OC, C] quantized.
struct Int8Weight {
  Int8Weight(const float* weight, int OC, int C);
  std::vector<int8_t> values;  // [OC,C]
  std::vector<float> scales;   // [OC]
};

void int8_matmul_forward(float* out, const float* inp, const Int8Weight& weight, const float* bias, int N, int C,
                         int OC, Isa isa);

}  // namespace textclass::backend::cpu
