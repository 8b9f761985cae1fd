#include "textclass/backend/cpu/matmul.hpp"

#include <algorithm>
#include <cstddef>

namespace textclass::backend::cpu {
namespace {

// C = op(A) · op(B) + beta · C in the arithmetic asked for.
void product(Products products, Op op_a, Op op_b, int M, int N, int K, const float* A, int lda, const float* B,
             int ldb, float beta, float* C, int ldc) {
  if (products == Products::bf16)
    gemm_bf16(op_a, op_b, M, N, K, A, lda, B, ldb, beta, C, ldc);
  else
    gemm(op_a, op_b, M, N, K, 1.0f, A, lda, B, ldb, beta, C, ldc);
}

}  // namespace

void matmul_forward(float* out, const float* inp, const float* weight, const float* bias, int N, int C, int OC,
                    Products products) {
  // As torch's addmm: the bias is written first and the product added onto it (beta = 1).
  float beta = 0.0f;
  if (bias != nullptr) {
#pragma omp parallel for
    for (int n = 0; n < N; n++) std::copy(bias, bias + OC, out + static_cast<std::size_t>(n) * OC);
    beta = 1.0f;
  }
  product(products, Op::none, Op::transpose, N, OC, C, inp, C, weight, C, beta, out, OC);
}

void matmul_forward(float* out, const float* inp, const PackedBf16Weight& weight, const float* bias, int N) {
  linear_bf16(N, inp, weight, bias, out);
}

void matmul_backward(float* dinp, float* dweight, float* dbias, const float* dout, const float* inp,
                     const float* weight, int N, int C, int OC, GradientWrite dweight_write, Products products) {
  if (dinp != nullptr) {
    product(products, Op::none, Op::none, N, C, OC, dout, OC, weight, C, 0.0f, dinp, C);
  }
  const float beta = dweight_write == GradientWrite::accumulate ? 1.0f : 0.0f;
  product(products, Op::transpose, Op::none, OC, C, N, dout, OC, inp, C, beta, dweight, C);
  if (dbias != nullptr) add_column_sums(dbias, dout, N, OC);
}

void add_column_sums(float* sums, const float* x, int N, int C) {
  // threads split the channels, each summing its columns down the rows
  constexpr int block = 64;
#pragma omp parallel for schedule(static)
  for (int c0 = 0; c0 < C; c0 += block) {
    const int c1 = std::min(C, c0 + block);
    double partial[block] = {};
    for (int n = 0; n < N; n++) {
      const float* row = x + static_cast<std::size_t>(n) * C;
      for (int c = c0; c < c1; c++) partial[c - c0] += row[c];
    }
    for (int c = c0; c < c1; c++) sums[c] += static_cast<float>(partial[c - c0]);
  }
}

}  // namespace textclass::backend::cpu
