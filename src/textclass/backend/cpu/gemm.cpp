#include "textclass/backend/cpu/gemm.hpp"

#include <fmt/format.h>
#include <oneapi/dnnl/dnnl.h>

#include <stdexcept>

namespace textclass::backend::cpu {

void gemm(Op op_a, Op op_b, int M, int N, int K, float alpha, const float* A, int lda, const float* B, int ldb,
          float beta, float* C, int ldc) {
  const char ta = op_a == Op::transpose ? 'T' : 'N', tb = op_b == Op::transpose ? 'T' : 'N';
  const dnnl_status_t status = dnnl_sgemm(ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
  if (status != dnnl_success)
    throw std::logic_error(fmt::format("oneDNN sgemm({}, {}, M={}, N={}, K={}, lda={}, ldb={}, ldc={}) failed: status {}",
                                       ta, tb, M, N, K, lda, ldb, ldc, static_cast<int>(status)));
}

}  // namespace textclass::backend::cpu
