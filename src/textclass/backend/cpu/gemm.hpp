#pragma once
// Row-major single-precision products, C = alpha · op(A) · op(B) + beta · C, by oneDNN's sgemm.
// oneDNN picks its kernels from the processor's features when it first runs (AVX-512 where the
// processor has it, AVX2 or SSE4.1 otherwise), on any processor, with no environment setting;
// inside an OpenMP parallel region it runs on the calling thread alone, outside one on the whole
// OpenMP team (omp_set_num_threads).
//   op(A) is [M,K], op(B) is [K,N], C is [M,N]; lda, ldb, ldc are the row strides as stored.
namespace textclass::backend::cpu {

enum class Op { none, transpose };

void gemm(Op op_a, Op op_b, int M, int N, int K, float alpha, const float* A, int lda, const float* B, int ldb,
          float beta, float* C, int ldc);

}  // namespace textclass::backend::cpu
