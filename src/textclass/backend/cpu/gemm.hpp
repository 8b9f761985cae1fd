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

// The same product (alpha 1, beta 0 or 1) of A and B rounded to bf16 (to nearest even, as torch),
// summed in fp32: the arithmetic of torch.autocast(bfloat16)'s products, by oneDNN's matmul with
// AVX512-BF16 instructions (bf16_products_unavailable_reason says where there are none).
void gemm_bf16(Op op_a, Op op_b, int M, int N, int K, const float* A, int lda, const float* B, int ldb, float beta,
               float* C, int ldc);

// Empty when the processor has AVX512-BF16; otherwise why gemm_bf16 cannot run.
const char* bf16_products_unavailable_reason();

}  // namespace textclass::backend::cpu
