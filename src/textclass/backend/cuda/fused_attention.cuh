#pragma once
// Self-attention in three kernels and no scratch but one float per query row (fused_attention_rows.hpp
// has the math, fused_attention_blocks.hpp what each block does): a head's keys and values, or
// queries and output gradients, in shared memory; a few threads per query row (16 channels each)
// for the output, the statistics and dq; then as many per key row for dk and dv. Nothing of size
// [T, T] and no split or merge of the heads: the kernels read qkv and dout and write out and dqkv
// in their own layouts. For head sizes 4 to 64 and sequences whose head fits
// in shared memory (T up to 450 for HS = 64 on an H100); attention.cu falls back to its plan beyond.
// The statistics saved are the plan's (max and 1/sum per row), so either backward pass can follow
// either forward pass.
#include <cuda_runtime.h>

#include <cstdint>
#include <initializer_list>

#include "textclass/backend/cuda/attention_plan.hpp"
#include "textclass/backend/cuda/seed.cuh"

namespace textclass::backend::cuda {

// Lets the kernels use all of a block's shared memory; once per process, before any recording.
void prepare_fused_attention();
// Whether the kernels are built for this head size, its head fits in shared memory, and the
// tensors are 16-byte aligned (they are read and written four floats at a time).
bool fused_attention_fits(const AttentionShape& shape, std::initializer_list<const void*> tensors);

void fused_attention_forward(cudaStream_t stream, float* out, float* stats, const float* qkv, const int32_t* mask,
                             float dropout_p, Seed seed, const AttentionShape& shape);
// D: shape.rows() floats of scratch.
void fused_attention_backward(cudaStream_t stream, float* dqkv, float* D, const float* dout, const float* qkv,
                              const float* stats, const int32_t* mask, float dropout_p, Seed seed,
                              const AttentionShape& shape);

}  // namespace textclass::backend::cuda
