#pragma once
// BERT's input embeddings. Shapes: ids and token_types int32 [B,T]; wte[vocab,C] word embeddings,
// wpe[max_positions,C] position embeddings (T <= max_positions), wtt[type_vocab,C] token-type
// embeddings; out[B,T,C].
#include <cstdint>

namespace textclass::backend::cpu {

// out[b,t] = (wte[ids[b,t]] + wtt[token_types[b,t]]) + wpe[t], summed in HF's order
void embeddings_forward(float* out, const int32_t* ids, const int32_t* token_types, const float* wte, const float* wpe,
                        const float* wtt, int B, int T, int C);

// dwte[ids[b,t]] += dout[b,t];  dwpe[t] += dout[b,t];  dwtt[token_types[b,t]] += dout[b,t]
void embeddings_backward(float* dwte, float* dwpe, float* dwtt, const float* dout, const int32_t* ids,
                         const int32_t* token_types, int B, int T, int C);

}  // namespace textclass::backend::cpu
