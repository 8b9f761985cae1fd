#pragma once
// The matrix products of the CUDA backend as cuBLASLt calls, written as plain C++ so that a test
// can run them through a naive column-major interpreter on any machine (tests/backend/
// cuda_plan_test.cpp) and check the transposes, leading dimensions and batch strides without a GPU.
//
// cuBLASLt is column-major: C (m x n) = alpha·op(A)·op(B) + beta·C (+ bias[m] on every column). A
// row-major [R, K] tensor is a column-major K x R matrix with leading dimension K, so a row-major
// product out = lhs·rhs is the column-major outᵀ = rhsᵀ·lhsᵀ: cuBLASLt's A is rhs, its B is lhs.
#include <cstddef>
#include <cstdint>

#include "textclass/backend/backend.hpp"  // TEXTCLASS_HOST_DEVICE

namespace textclass::backend::cuda {

struct GemmCall {
  bool transa = false, transb = false;
  int m = 0, n = 0, k = 0;
  const float* a = nullptr;  // stored k x m when transa, else m x k
  int lda = 0;
  const float* b = nullptr;  // stored n x k when transb, else k x n
  int ldb = 0;
  float* c = nullptr;  // m x n
  int ldc = 0;
  float alpha = 1.0f, beta = 0.0f;
  const float* bias = nullptr;  // [m] or null
  int batch = 1;                // with strides between the batch's matrices, in floats
  int64_t stride_a = 0, stride_b = 0, stride_c = 0;
  // In bf16 precision, multiply the fp32 factors as they are (tensor cores' TF32) instead of bf16
  // copies of them: attention's per-head products, too small for the copies to pay.
  bool fp32_factors = false;
};

// A linear layer, W row-major [OC, C] as torch's Linear:
//   out[N,OC] = inp·Wᵀ + bias   is  outᵀ (OC x N) = op_T(W: C x OC) · inpᵀ (C x N) + bias
inline GemmCall linear_forward(float* out, const float* inp, const float* weight, const float* bias, int N, int C,
                               int OC) {
  GemmCall call;
  call.transa = true;
  call.m = OC, call.n = N, call.k = C;
  call.a = weight, call.lda = C;
  call.b = inp, call.ldb = C;
  call.c = out, call.ldc = OC;
  call.bias = bias;
  return call;
}

//   dinp[N,C] = dout·W   is  dinpᵀ (C x N) = W (C x OC) · doutᵀ (OC x N)
inline GemmCall linear_input_gradient(float* dinp, const float* dout, const float* weight, int N, int C, int OC) {
  GemmCall call;
  call.m = C, call.n = N, call.k = OC;
  call.a = weight, call.lda = C;
  call.b = dout, call.ldb = OC;
  call.c = dinp, call.ldc = C;
  return call;
}

//   dW[OC,C] += doutᵀ·inp   is  dWᵀ (C x OC) += inpᵀ (C x N) · op_T(doutᵀ: OC x N)   (= when overwriting)
inline GemmCall linear_weight_gradient(float* dweight, const float* dout, const float* inp, int N, int C, int OC,
                                       GradientWrite write) {
  GemmCall call;
  call.transb = true;
  call.m = C, call.n = OC, call.k = N;
  call.a = inp, call.lda = C;
  call.b = dout, call.ldb = OC;
  call.c = dweight, call.ldc = C;
  call.beta = write == GradientWrite::accumulate ? 1.0f : 0.0f;
  return call;
}

// One product per attention head, over `heads` heads stored back to back: out[h] = scale ·
// lhs'[h] · rhs'[h], each side row-major and used as stored or transposed (lhs' = lhsᵀ when
// lhs_transposed); out is [out_rows, out_cols] and `inner` the summed dimension.
struct HeadProduct {
  const float* lhs;
  bool lhs_transposed;
  const float* rhs;
  bool rhs_transposed;
  float* out;
  int out_rows, out_cols, inner;
  float scale;
};

inline GemmCall head_products(const HeadProduct& p, int heads) {
  GemmCall call;
  call.m = p.out_cols, call.n = p.out_rows, call.k = p.inner;
  call.a = p.rhs, call.transa = p.rhs_transposed, call.lda = p.rhs_transposed ? p.inner : p.out_cols;
  call.b = p.lhs, call.transb = p.lhs_transposed, call.ldb = p.lhs_transposed ? p.out_rows : p.inner;
  call.c = p.out, call.ldc = p.out_cols;
  call.alpha = p.scale;
  call.batch = heads;
  call.stride_a = static_cast<int64_t>(p.inner) * p.out_cols;
  call.stride_b = static_cast<int64_t>(p.out_rows) * p.inner;
  call.stride_c = static_cast<int64_t>(p.out_rows) * p.out_cols;
  call.fp32_factors = true;
  return call;
}

// Where element `within` of row bt of a [B·T, parts·C] tensor (parts tensors side by side, each
// NH heads of hs = C/NH channels) goes when the heads are split out: part-major, then
// [B, NH, T, hs] (NC = B·T·C floats per part). Row and column apart, so a GPU thread divides
// 32-bit numbers only.
TEXTCLASS_HOST_DEVICE inline std::size_t head_major_index(int bt, int within, int T, int C, int NH, std::size_t NC) {
  const int hs = C / NH;
  const int part = within / C, h = (within % C) / hs, d = within % hs;
  const int b = bt / T, t = bt % T;
  return part * NC + ((static_cast<std::size_t>(b) * NH + h) * T + t) * hs + d;
}

}  // namespace textclass::backend::cuda
