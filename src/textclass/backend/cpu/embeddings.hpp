#pragma once
// BERT's input embeddings. Shapes: ids and token_types int32 [B,T]; wte[vocab,C] word embeddings,
// wpe[max_positions,C] position embeddings (T <= max_positions), wtt[type_vocab,C] token-type
// embeddings; out[M,C], row r for token bt = rows[r] (b·T + t; zeros where bt < 0), or token r where
// rows is null (M = B·T): Backend::embeddings_forward.
#include <cstdint>

namespace textclass::backend::cpu {

// out[r] = (wte[ids[bt]] + wtt[token_types[bt]]) + wpe[t], summed in HF's order
void embeddings_forward(float* out, const int32_t* ids, const int32_t* token_types, const int32_t* rows,
                        const float* wte, const float* wpe, const float* wtt, int M, int T, int C);

// dwte[ids[bt]] += dout[r];  dwpe[t] += dout[r];  dwtt[token_types[bt]] += dout[r]
void embeddings_backward(float* dwte, float* dwpe, float* dwtt, const float* dout, const int32_t* ids,
                         const int32_t* token_types, const int32_t* rows, int M, int T, int C);

}  // namespace textclass::backend::cpu
