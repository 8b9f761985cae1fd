#pragma once
// The [CLS] rows that BERT's pooler reads. Shapes: inp, dinp [B,T,C]; out, dout [B,C].
//   out[b] = inp[b,0]
//   dinp[b,0] = dout[b], dinp[b,t>0] = 0        (overwritten)

namespace textclass::backend::cpu {

void first_token_forward(float* out, const float* inp, int B, int T, int C);
void first_token_backward(float* dinp, const float* dout, int B, int T, int C);

}  // namespace textclass::backend::cpu
