// cpu::gemm against a double reference, for every pair of transposes, on shapes that it splits over
// the threads by rows, by columns, or not at all, with strides wider than the matrices.
#include "textclass/backend/cpu/gemm.hpp"

#include <gtest/gtest.h>
#include <omp.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

namespace textclass::backend::cpu {
namespace {

struct Case {
  int M, N, K;
};

// The element (row, col) of op(X) for X stored with row stride ld.
float at(const std::vector<float>& X, Op op, int ld, int row, int col) {
  return op == Op::none ? X[static_cast<std::size_t>(row) * ld + col] : X[static_cast<std::size_t>(col) * ld + row];
}

class Gemm : public ::testing::TestWithParam<int> {
 protected:
  // The team size of the products, as `--threads` sets it; put back after.
  void SetUp() override {
    threads_before_ = omp_get_max_threads();
    omp_set_num_threads(GetParam());
  }
  void TearDown() override { omp_set_num_threads(threads_before_); }

 private:
  int threads_before_ = 1;
};
INSTANTIATE_TEST_SUITE_P(Threads, Gemm, ::testing::Values(1, 2, 3),
                         [](const ::testing::TestParamInfo<int>& info) { return std::to_string(info.param) + "_threads"; });

TEST_P(Gemm, EqualsTheReferenceForEveryTransposeAndSplit) {
  // Taller than wide (split by rows), wider than tall (by columns), sides that are not multiples
  // of 16, and products too small to split.
  for (const Case c : {Case{301, 45, 130}, Case{37, 250, 130}, Case{64, 768, 300}, Case{7, 5, 3}, Case{1, 300, 64}}) {
    for (const Op op_a : {Op::none, Op::transpose}) {
      for (const Op op_b : {Op::none, Op::transpose}) {
        SCOPED_TRACE("M=" + std::to_string(c.M) + " N=" + std::to_string(c.N) + " K=" + std::to_string(c.K) +
                     (op_a == Op::transpose ? " Aᵀ" : " A") + (op_b == Op::transpose ? " Bᵀ" : " B"));
        // Stored shapes, each row 3 floats wider than the matrix.
        const int a_rows = op_a == Op::none ? c.M : c.K, a_cols = op_a == Op::none ? c.K : c.M;
        const int b_rows = op_b == Op::none ? c.K : c.N, b_cols = op_b == Op::none ? c.N : c.K;
        const int lda = a_cols + 3, ldb = b_cols + 3, ldc = c.N + 3;
        std::mt19937 random(c.M * 31 + c.N * 7 + c.K);
        std::uniform_real_distribution<float> value(-1.0f, 1.0f);
        std::vector<float> A(static_cast<std::size_t>(a_rows) * lda), B(static_cast<std::size_t>(b_rows) * ldb),
            C(static_cast<std::size_t>(c.M) * ldc);
        for (float& x : A) x = value(random);
        for (float& x : B) x = value(random);
        for (float& x : C) x = value(random);
        const std::vector<float> C_before = C;
        const float alpha = 0.5f, beta = 1.0f;
        gemm(op_a, op_b, c.M, c.N, c.K, alpha, A.data(), lda, B.data(), ldb, beta, C.data(), ldc);
        for (int m = 0; m < c.M; m++) {
          for (int n = 0; n < ldc; n++) {
            const std::size_t i = static_cast<std::size_t>(m) * ldc + n;
            if (n >= c.N) {  // the stride's padding is not written
              ASSERT_EQ(C[i], C_before[i]) << "row " << m << " padding column " << n;
              continue;
            }
            double sum = 0.0;
            for (int k = 0; k < c.K; k++)
              sum += static_cast<double>(at(A, op_a, lda, m, k)) * at(B, op_b, ldb, k, n);
            ASSERT_NEAR(C[i], alpha * sum + beta * C_before[i], 2e-7 * c.K + 1e-6) << "row " << m << " column " << n;
          }
        }
      }
    }
  }
}

}  // namespace
}  // namespace textclass::backend::cpu
