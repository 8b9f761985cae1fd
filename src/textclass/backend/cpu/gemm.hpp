#pragma once
// Row-major single-precision products, C = alpha · op(A) · op(B) + beta · C, by oneDNN's sgemm.
// oneDNN picks its kernels from the processor's features when it first runs (AVX-512 where the
// processor has it, AVX2 or SSE4.1 otherwise), on any processor, with no environment setting;
// inside an OpenMP parallel region it runs on the calling thread alone, outside one on the whole
// OpenMP team (omp_set_num_threads).
//   op(A) is [M,K], op(B) is [K,N], C is [M,N]; lda, ldb, ldc are the row strides as stored.
#include <oneapi/dnnl/dnnl.hpp>

namespace textclass::backend::cpu {

enum class Op { none, transpose };

void gemm(Op op_a, Op op_b, int M, int N, int K, float alpha, const float* A, int lda, const float* B, int ldb,
          float beta, float* C, int ldc);

// The same product (alpha 1, beta 0 or 1) of A and B rounded to bf16 (to nearest even, as torch),
// summed in fp32: the arithmetic of torch.autocast(bfloat16)'s products, by oneDNN's matmul with
// AVX512-BF16 instructions (bf16_products_unavailable_reason says where there are none).
void gemm_bf16(Op op_a, Op op_b, int M, int N, int K, const float* A, int lda, const float* B, int ldb, float beta,
               float* C, int ldc);

// A linear layer's weight [OC, C] rounded to bf16 once (as gemm_bf16 rounds it) and laid out as
// oneDNN's bf16 matmul reads it fastest (a blocked layout, the same for any number of input rows):
// for inference, where a weight never changes.
class PackedBf16Weight {
 public:
  PackedBf16Weight(const float* weight, int OC, int C);
  int OC() const { return OC_; }
  int C() const { return C_; }
  const dnnl::memory& packed() const { return packed_; }

 private:
  int OC_, C_;
  dnnl::memory packed_;
};

// C [M,OC] = A [M,C] · weightᵀ + bias (bias [OC] or null) in one pass: A rounded to bf16 as gemm_bf16
// rounds it, the sums in fp32 and the bias added to each once, as torch's addmm adds it.
void linear_bf16(int M, const float* A, const PackedBf16Weight& weight, const float* bias, float* C);

// Empty when the processor has AVX512-BF16; otherwise why gemm_bf16 cannot run.
const char* bf16_products_unavailable_reason();

}  // namespace textclass::backend::cpu
