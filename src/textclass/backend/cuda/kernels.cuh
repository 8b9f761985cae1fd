#pragma once
// The CUDA launchers, one per op, with the CPU backend's names and argument order (plus the stream
// they run on); the shapes and math are those of backend.hpp. Every launcher is asynchronous.
// `rounded`, where a launcher has it: null, or where the op also writes its output's bf16 rounding
// (fused rounding: Gemm::rounding_for).
#include <cuda_bf16.h>
#include <cuda_runtime.h>

#include <cstddef>
#include <cstdint>
#include <vector>

#include "textclass/backend/cuda/gemm.cuh"
#include "textclass/backend/cuda/scratch.cuh"

namespace textclass::backend::cuda {

void fill(cudaStream_t stream, float* x, float value, std::size_t n);

void embeddings_forward(cudaStream_t stream, float* out, const int32_t* ids, const int32_t* token_types,
                        const int32_t* rows, const float* wte, const float* wpe, const float* wtt, int M, int T, int C);
void embeddings_backward(cudaStream_t stream, float* dwte, float* dwpe, float* dwtt, const float* dout,
                         const int32_t* ids, const int32_t* token_types, const int32_t* rows, int M, int T, int C);

void layernorm_forward(cudaStream_t stream, float* out, float* mean, float* rstd, const float* inp,
                       const float* weight, const float* bias, float eps, int N, int C);
void residual_layernorm_forward(cudaStream_t stream, float* out, __nv_bfloat16* rounded, float* res, float* mean,
                                float* rstd, const float* inp, const float* residual, const float* weight,
                                const float* bias, float dropout_p, uint64_t seed, float eps, int N, int C);
void layernorm_backward(cudaStream_t stream, float* dinp, float* dweight, float* dbias, const float* dout,
                        const float* inp, const float* weight, const float* mean, const float* rstd, int N, int C);
// (dinp_rounded: dinp's bf16 rounding, unless null)
void residual_layernorm_backward(cudaStream_t stream, float* dres, float* dinp, __nv_bfloat16* dinp_rounded,
                                 float* dweight, float* dbias, float* dinp_sums, const float* dout, const float* dout2,
                                 const float* res, const float* weight, const float* mean, const float* rstd,
                                 float dropout_p, uint64_t seed, int N, int C);

void matmul_forward(Gemm& gemm, float* out, const float* inp, const float* weight, const float* bias, int N, int C,
                    int OC);
void matmul_backward(Gemm& gemm, cudaStream_t stream, float* dinp, float* dweight, float* dbias, const float* dout,
                     const float* inp, const float* weight, int N, int C, int OC, GradientWrite dweight_write);

// Attention on the packed rows of tokens (backend.hpp; attention.cu says which kernels run).
// att (attention_saved_floats of them) null: nothing is saved (no backward pass follows).
std::size_t attention_saved_floats(Precision precision, int B, int T, int C, int NH);
void attention_forward(Gemm& gemm, Scratch& scratch, cudaStream_t stream, Precision precision, float* out, float* att,
                       const float* qkv, const int32_t* mask, const int32_t* starts, int M, float dropout_p,
                       uint64_t seed, int B, int T, int C, int NH);
void attention_backward(Gemm& gemm, Scratch& scratch, cudaStream_t stream, Precision precision, float* dqkv,
                        const float* dout, const float* out, const float* att, const int32_t* mask,
                        const int32_t* starts, int M, float dropout_p, uint64_t seed, int B, int T, int C, int NH);

void gelu_forward(cudaStream_t stream, float* out, __nv_bfloat16* rounded, const float* inp, std::size_t n);
void gelu_backward(cudaStream_t stream, float* dinp, const float* inp, const float* dout, std::size_t n);
// The same over [N, C] rows, adding the column sums of dinp into sums[C]; rounded: null, or where
// dinp's bf16 rounding goes too.
void gelu_backward_sums(cudaStream_t stream, float* dinp, __nv_bfloat16* rounded, float* sums, const float* inp,
                        const float* dout, int N, int C);
void tanh_forward(cudaStream_t stream, float* out, const float* inp, std::size_t n);
void tanh_backward(cudaStream_t stream, float* dinp, const float* out, const float* dout, std::size_t n);
void relu_forward(cudaStream_t stream, float* out, const float* inp, std::size_t n);
void relu_backward(cudaStream_t stream, float* dinp, const float* out, const float* dout, std::size_t n);
void add(cudaStream_t stream, float* out, const float* a, const float* b, std::size_t n);
// Both directions of dropout are one map: out = inp · keep / (1-p), keep drawn from (seed, index).
void dropout(cudaStream_t stream, float* out, __nv_bfloat16* rounded, const float* inp, float p, uint64_t seed,
             std::size_t n);

void gather_rows(cudaStream_t stream, float* out, const float* inp, const int32_t* rows, int n, int C);

// The losses (loss_kernels.cuh, loss_math.hpp): one thread per row forward, per element backward.
void crossentropy_forward(cudaStream_t stream, float* losses, float* probs, const float* logits,
                          const int32_t* labels, const float* class_weights, float label_smoothing, int B, int V);
void crossentropy_backward(cudaStream_t stream, float* dlogits, const float* probs, const int32_t* labels,
                           const float* class_weights, float label_smoothing, int B, int V);
void bce_with_logits_forward(cudaStream_t stream, float* losses, float* probs, const float* logits,
                             const float* targets, int B, int V);
void mse_forward(cudaStream_t stream, float* losses, const float* predictions, const float* targets, int B, int V);
// out[i] = (a[i] - b[i]) · scale for i < n: the gradients of BCE with logits and of MSE
void scaled_difference(cudaStream_t stream, float* out, const float* a, const float* b, double scale, std::size_t n);

// Σ x² into *result (device), in double; partials holds kSumSquaresBlocks doubles of scratch.
constexpr int kSumSquaresBlocks = 1024;
void sum_squares(cudaStream_t stream, double* result, double* partials, const float* x, std::size_t n);
// One launch per 8 spans (the trainer has 2). params_bf16: null, or where each updated parameter's
// bf16 rounding goes (the same layout as params).
void adamw_update(cudaStream_t stream, float* params, const float* grads, float* m, float* v,
                  __nv_bfloat16* params_bf16, const std::vector<ParameterSpan>& spans, double lr, double beta1,
                  double beta2, double eps, float grad_scale, int step);

}  // namespace textclass::backend::cuda
