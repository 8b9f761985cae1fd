#pragma once
// Multi-head self-attention with BERT's padding mask and attention dropout. Shapes: qkv, dqkv
// [B,T,3C], query, key and value side by side, head h in channels [h·hs, (h+1)·hs) of each, hs = C/NH;
// mask int32 [B,T] (1 token, 0 padding); att [B,NH,T,T] (null in the forward pass: not saved);
// out, dout [B,T,C] (heads concatenated).
// Per row b and head h, with s = 1/sqrt(hs) and keep[i,j] = dropout_uniform(seed, ((b·NH + h)·T + i)·T + j) >= p:
//   scores[i,j] = s · q_i·k_j + (mask[b,j] ? 0 : lowest float)     (HF's additive padding bias)
//   att[i,:]    = softmax(scores[i,:])                              (saved, before dropout)
//   P[i,j]      = att[i,j] · keep[i,j] / (1-p),   out_i = Σ_j P[i,j] v_j
// Backward (dqkv overwritten), regenerating P from att and the seed:
//   dv_j = Σ_i P[i,j] dout_i,   dP[i,j] = dout_i·v_j,   datt[i,j] = dP[i,j] · keep[i,j] / (1-p)
//   dscores[i,j] = att[i,j] · (datt[i,j] - Σ_k att[i,k] datt[i,k])
//                = P[i,j] dP[i,j] - att[i,j] Σ_k P[i,k] dP[i,k]      (as computed: no second mask pass)
//   dq_i = s Σ_j dscores[i,j] k_j,   dk_j = s Σ_i dscores[i,j] q_i
// The B·NH problems are independent: OpenMP runs them in parallel, each with single-threaded sgemm.
#include <cstdint>

namespace textclass::backend::cpu {

void attention_forward(float* out, float* att, const float* qkv, const int32_t* mask, float dropout_p, uint64_t seed,
                       int B, int T, int C, int NH);

void attention_backward(float* dqkv, const float* dout, const float* qkv, const float* att, const int32_t* mask,
                        float dropout_p, uint64_t seed, int B, int T, int C, int NH);

}  // namespace textclass::backend::cpu
