#pragma once
// Multi-head self-attention over the packed rows of tokens (backend.hpp), with attention dropout.
// Row b of the batch is the L_b = starts[b+1] - starts[b] rows from starts[b]; qkv, dqkv [M,3C]:
// query, key and value side by side, head h in channels [h·hs, (h+1)·hs) of each, hs = C/NH;
// out, dout [M,C] (heads concatenated); rows from starts[B] on are no token's and get zeros.
// att [B,NH,T,T] of probabilities, then a copy of the tokens' rows of qkv (room for B·T rows) for
// the backward pass (null in evaluation: nothing saved): attention_saved_floats.
// Per row b and head h, over i, j < L_b, with s = 1/sqrt(hs) and
// keep[i,j] = dropout_uniform(seed, ((b·NH + h)·T + i)·T + j) >= p:
//   att[i,:] = softmax(s · q_i·k_j)                (saved, before dropout; HF's padding bias gives
//                                                   its padded keys exactly 0, so they are left out)
//   P[i,j]   = att[i,j] · keep[i,j] / (1-p),   out_i = Σ_j P[i,j] v_j
// Backward (dqkv overwritten), regenerating P from att and the seed:
//   dv_j = Σ_i P[i,j] dout_i,   dP[i,j] = dout_i·v_j,   datt[i,j] = dP[i,j] · keep[i,j] / (1-p)
//   dscores[i,j] = att[i,j] · (datt[i,j] - Σ_k att[i,k] datt[i,k])
//                = P[i,j] dP[i,j] - att[i,j] Σ_k P[i,k] dP[i,k]      (as computed)
//   dq_i = s Σ_j dscores[i,j] k_j,   dk_j = s Σ_i dscores[i,j] q_i
// The B·NH problems are independent: OpenMP runs them in parallel, each with single-threaded sgemm.
#include <cstddef>
#include <cstdint>

#include "textclass/backend/cpu/isa.hpp"

namespace textclass::backend::cpu {

std::size_t attention_saved_floats(int B, int T, int C, int NH);

void attention_forward(float* out, float* att, const float* qkv, const int32_t* starts, int M, float dropout_p,
                       uint64_t seed, int B, int T, int C, int NH, Isa isa);

void attention_backward(float* dqkv, const float* dout, const float* att, const int32_t* starts, int M,
                        float dropout_p, uint64_t seed, int B, int T, int C, int NH, Isa isa);

}  // namespace textclass::backend::cpu
