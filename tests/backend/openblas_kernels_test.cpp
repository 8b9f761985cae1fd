// make_cpu_backend leaves OpenBLAS on kernels that use the CPU's vector units. An OpenBLAS older
// than the CPU falls back to its SSE3 ("Prescott") kernels, a fifth of the sgemm speed on a
// current Xeon; cpu/openblas_kernels.hpp re-runs the choice.
#include <cblas.h>

#include <cstdlib>

#include <gtest/gtest.h>

#include "textclass/backend/backend.hpp"

namespace textclass::backend {
namespace {

TEST(OpenBlasKernels, NotTheSse3FallbackOnAnAvx2Cpu) {
  if (std::getenv("OPENBLAS_CORETYPE") != nullptr) GTEST_SKIP() << "OPENBLAS_CORETYPE chooses the kernels";
  if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma")) GTEST_SKIP() << "a CPU without AVX2";
  const std::unique_ptr<Backend> backend = make_cpu_backend();
  EXPECT_STRNE(openblas_get_corename(), "Prescott");
}

}  // namespace
}  // namespace textclass::backend
