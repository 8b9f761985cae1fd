#pragma once
// The CUDA backend: the op list of backend.hpp on one NVIDIA GPU, with cuBLASLt for the matmuls
// and kernels of this folder for the rest. Built when CMake finds the CUDA toolkit (the layers
// above see TEXTCLASS_HAS_CUDA); a plain C++ header, so they need no CUDA headers to use it.
#include <memory>
#include <optional>
#include <string>

#include "textclass/backend/backend.hpp"

namespace textclass::backend {

// The arithmetic of the matmuls (linear layers and attention products). Weights, activations and
// gradients are stored in fp32 either way.
//   fp32: fp32 products and sums, for exact comparisons with the CPU and HuggingFace.
//   tf32: tensor-core products of inputs rounded to TF32 (10-bit mantissa), summed in fp32:
//         cuBLAS's COMPUTE_32F_FAST_TF32, what torch.backends.cuda.matmul.allow_tf32 turns on.
//   bf16: tensor-core products of inputs rounded to bf16 (8-bit mantissa), summed in fp32: the
//         matmul arithmetic of torch.autocast(bfloat16). gemm.cuh has the variant with cuBLAS's
//         COMPUTE_32F_FAST_16BF on fp32 inputs (TEXTCLASS_CUDA_BF16_COPIES=0).
enum class Precision { fp32, tf32, bf16 };

// Empty when this machine can run the CUDA backend; otherwise why not ("no CUDA device", or the
// driver's error), for a message or a skipped test.
std::string cuda_unavailable_reason();

// Switches of the CUDA backend; unset, each comes from the environment (env_switch.hpp).
struct CudaSwitches {
  // Recordings become CUDA graphs (backend.hpp); TEXTCLASS_CUDA_GRAPHS=1. Off by default: on an
  // H200 at batch 16 the GPU's own time is the step's, and replays ran 0.6% and 6.6% slower than
  // direct launches in two runs (bench/RESULTS.md).
  std::optional<bool> graphs;
  // Attention in the three kernels of fused_attention.cuh instead of split heads, cuBLASLt products
  // and softmax kernels over [T, T] scores; TEXTCLASS_CUDA_FUSED_ATTENTION=1. Off by default: on an
  // H200 it took 6-8% less memory in training but ran 13-21% slower (bench/RESULTS.md).
  std::optional<bool> fused_attention;
  // In bf16 precision, attention in the three kernels of tensor_core_attention.cuh (products on
  // tensor cores, no [T, T] buffers, no scratch but one float a row) instead of the plan;
  // TEXTCLASS_CUDA_TENSOR_CORE_ATTENTION=0 turns it off. fused_attention, when on, comes first.
  std::optional<bool> tensor_core_attention;
  // The tensor-core attention keeps qkv's bf16 rounding for its backward pass, which then reads
  // that instead of qkv, and the model keeps no qkv per layer (Backend::attention_saved);
  // TEXTCLASS_CUDA_ATTENTION_KEEPS_QKV=0 turns it off (the backward pass reads qkv, as before).
  // On an H200 it cut the peak at batch 16 from 3.74 to 3.51 GiB at the same speed
  // (bench/RESULTS.md, 2026-11-27).
  std::optional<bool> attention_keeps_qkv;
  // In bf16 precision, AdamW keeps a bf16 copy of the parameters (2 bytes a parameter) from which
  // the products read their weights, instead of rounding each weight in each product;
  // TEXTCLASS_CUDA_BF16_WEIGHTS=0 turns it off. On by default since the attention keeps qkv's
  // rounding: on an H200 it trained 7% faster at batch 16 (3% at 32, 1% at 64) for 0.2 GiB more,
  // still below HF's peak at every batch (bench/RESULTS.md, 2026-11-27).
  std::optional<bool> bf16_weights;
  // In bf16 precision, the ops that write a product's input write its bf16 rounding too (the
  // residual LayerNorm, GELU, dropout's forward pass, the tensor-core attention), and a linear
  // layer's backward pass rounds its output gradient in the pass that sums the bias gradient, so
  // the products (gemm.cuh) launch no rounding of those; TEXTCLASS_CUDA_FUSED_ROUNDING=0 turns it
  // off. On by default: on an H200 it trained 5-7% faster at batches 16-64 and predicted 11%
  // faster, for 0.01 GiB more at batch 16 (bench/RESULTS.md, 2026-11-27).
  std::optional<bool> fused_rounding;
  // Each product's plan times up to 8 of cuBLASLt's candidate algorithms on its first call and
  // keeps the fastest, instead of the heuristic's first guess (gemm.cuh);
  // TEXTCLASS_CUDA_GEMM_AUTOTUNE=1. Off by default: on an H200 it trained 8% slower at batch 16 and
  // predicted 32% slower (bench/RESULTS.md, 2026-11-27), probably because every new padded length
  // makes new plans, whose trials then run inside the timed steps.
  std::optional<bool> gemm_autotune;
  // A linear layer's backward pass runs its two products (the input's and the weight's gradients)
  // side by side on two streams (gemm.cuh's run_sharing_b), for 32 MiB more of cuBLASLt workspace;
  // TEXTCLASS_CUDA_CONCURRENT_PRODUCTS=0 runs them one after the other. At batch 16 each product
  // of a layer has too few tiles to fill the GPU on its own. On by default: on an H200 it trained
  // 1.3% and 2.2% faster at batch 16 in two calls (2.0-2.6% at 32, 1.4% at 64), for 0.03-0.04 GiB
  // more (bench/RESULTS.md, 2026-11-27, night).
  std::optional<bool> concurrent_products;
  // With concurrent products, the main stream does not wait for a layer's weight-gradient product
  // right after it, only before something reads that gradient or writes what the product reads
  // (gemm.cuh's deferred joins): the product runs beside the small kernels that follow it, the
  // side stream rounds the product's input itself, and the main stream has the higher priority;
  // TEXTCLASS_CUDA_DEFERRED_JOINS=0 joins at once. On by default: on an H200 at batch 16 training
  // ran 3.9% faster with them (217.7 against 209.6 steps/s; bench/RESULTS.md, 2026-11-28).
  std::optional<bool> deferred_joins;
  // With deferred joins (and no CUDA graphs), the second stream also sums the squares of each
  // weight-gradient product's output right after it (square_sums.hpp), and the gradient norm reads
  // only the gradients no such sum covers; TEXTCLASS_CUDA_SIDE_SQUARE_SUMS=1. Off by default: on an
  // H200 at batch 16 training ran 1.7% faster without (221.4 against 217.7 steps/s), and the norm's
  // op took 124 us a step with them, its one-float-a-load pass over the gaps about as slow as the
  // whole float4 pass (bench/RESULTS.md, 2026-11-28).
  std::optional<bool> side_square_sums;
  // AdamW runs on a second stream in pieces of 4M parameters (the biases and LayerNorms first, then
  // the embeddings and the layers in order), and the next step's ops wait only for the pieces of the
  // parameters they read or of the memory they write: the update overlaps the next forward pass,
  // whose kernels leave most SMs idle at batch 16; TEXTCLASS_CUDA_OVERLAPPED_UPDATES=1. Off by
  // default for now: on an H200 at batch 16 it trained 1.3% faster (220.6 against 217.7 steps/s) in
  // the one run so far, at batch 16 alone (bench/RESULTS.md, 2026-11-28).
  std::optional<bool> overlapped_updates;
  // Where the tensor-core attention runs, it reads and writes the model's packed rows of tokens
  // (Backend::attention_forward_rows): no moves of qkv, its output and their gradients between the
  // rows and the padded layout (60 gathers a step for bert-base), and no blocks for padding queries;
  // TEXTCLASS_CUDA_ATTENTION_ON_ROWS=0 turns it off. On by default: on an H200 at batch 16 training
  // ran 5.5% faster (217.7 against 206.4 steps/s) and peaked at 2.73 GiB instead of 2.93
  // (bench/RESULTS.md, 2026-11-28).
  std::optional<bool> attention_on_rows;
  // The model's packed rows of tokens are rounded up to a multiple of this (Backend::row_multiple):
  // fewer rows of zeros with a smaller one, more shapes for cuBLASLt to plan;
  // TEXTCLASS_CUDA_ROW_MULTIPLE=n (1 to 1024), 64 by default (16 trained 1.4% slower on an H200 at
  // batch 16: 214.6 against 217.7 steps/s, bench/RESULTS.md, 2026-11-28).
  std::optional<int> row_multiple;
};

// A CUDA backend on the current device (CUDA_VISIBLE_DEVICES picks it). Throws Error when
// cuda_unavailable_reason() is not empty.
std::unique_ptr<Backend> make_cuda_backend(Precision precision, CudaSwitches switches = {});

}  // namespace textclass::backend
