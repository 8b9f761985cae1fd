#pragma once
// Self-attention in bf16 precision with its products on tensor cores (WMMA), after flash attention
// 2: a forward kernel over 64 queries a block and, for the backward pass, a small prologue and a
// kernel over 64 keys a block (tensor_core_attention_kernels.cuh), each going once over the other
// side of the head 64 rows at a time in shared memory as bf16, scores made 16x16 tile by tile and
// never stored. No [T, T] buffer and no split or merge of the heads: the kernels read qkv and dout
// and write out and dqkv on the model's packed rows of tokens (TokenRows, attention_plan.hpp), where
// blocks past a sequence's tokens have nothing to do. The forward pass keeps qkv's bf16 rounding
// (the factors its products read) for the backward pass, which reads nothing else of qkv: half of
// qkv's memory. A product's factors are rounded to bf16 and summed in fp32, as cuBLAS's bf16
// products; softmax and dropout are fp32 with the plan's arithmetic (attention_plan.hpp), and the
// statistics saved are the plan's (max and 1/sum per row).
//
// For head sizes 16, 32 and 64 and T up to 512 (a block of the key kernel needs 66 KiB of shared
// memory at 64 channels, whatever T, the forward kernel 47-49 KiB); attention.cu runs the plan
// beyond.
#include <cuda_bf16.h>
#include <cuda_runtime.h>

#include <cstddef>
#include <cstdint>

#include "textclass/backend/cuda/attention_plan.hpp"

namespace textclass::backend::cuda {

// Lets the kernels use the shared memory they need; once per process.
void prepare_tensor_core_attention();
// Whether the kernels are built for this head size and length and a block's shared memory holds
// what they stage. The tensors they are given must then be 16-byte aligned (they are read and
// written four floats at a time; every Backend::alloc is): the passes throw std::invalid_argument
// otherwise.
bool tensor_core_attention_fits(const AttentionShape& shape);

// What the forward pass saves for the backward pass (att of the backend's ops): each row's max and
// 1/sum, as the plan saves them, then the bf16 rounding of qkv, which the backward pass reads
// instead of qkv (Backend::attention_saved_floats).
std::size_t tensor_core_attention_saved_floats(const AttentionShape& shape);

// rounded: null, or where out's bf16 rounding goes too (fused rounding, gemm.cuh), 8-byte aligned.
// saved: null where no backward pass follows (nothing is saved). tokens: where the tokens lie
// (attention_plan.hpp); the blocks past a sequence's tokens return at once, and the copy of qkv has
// qkv's rows.
void tensor_core_attention_forward(cudaStream_t stream, float* out, __nv_bfloat16* rounded, float* saved,
                                   const float* qkv, const int32_t* mask, const TokenRows& tokens, float dropout_p,
                                   uint64_t seed, const AttentionShape& shape);
// Floats of scratch the backward pass needs: each row's D.
std::size_t tensor_core_attention_backward_scratch(const AttentionShape& shape);
// out: what the forward pass wrote (each row's D is dout·out); saved: what it saved.
void tensor_core_attention_backward(cudaStream_t stream, float* dqkv, float* scratch, const float* dout,
                                    const float* out, const float* saved, const int32_t* mask,
                                    const TokenRows& tokens, float dropout_p, uint64_t seed,
                                    const AttentionShape& shape);

}  // namespace textclass::backend::cuda
