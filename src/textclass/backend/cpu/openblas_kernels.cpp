#include "textclass/backend/cpu/openblas_kernels.hpp"

#include <cblas.h>

#include <cstdlib>
#include <cstring>
#include <mutex>

// OpenBLAS's kernel selection (driver/others/dynamic.c): init returns at once while a core is set,
// quit clears it, and init reads OPENBLAS_CORETYPE. Weak, because only DYNAMIC_ARCH builds have them.
extern "C" {
void gotoblas_dynamic_init(void) __attribute__((weak));
void gotoblas_dynamic_quit(void) __attribute__((weak));
}

namespace textclass::backend::cpu {
namespace {

// The best of OpenBLAS's x86-64 cores that the CPU's features allow, or null below AVX2.
const char* best_core_for_this_cpu() {
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
      __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512cd"))
    return "SkylakeX";
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return "Haswell";
  return nullptr;
}

}  // namespace

void use_best_openblas_kernels() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (gotoblas_dynamic_init == nullptr || gotoblas_dynamic_quit == nullptr) return;
    if (std::getenv("OPENBLAS_CORETYPE") != nullptr) return;
    if (std::strcmp(openblas_get_corename(), "Prescott") != 0) return;  // a core it recognised
    const char* core = best_core_for_this_cpu();
    if (core == nullptr) return;  // a real SSE3-only CPU
    setenv("OPENBLAS_CORETYPE", core, 0);
    gotoblas_dynamic_quit();
    gotoblas_dynamic_init();
    unsetenv("OPENBLAS_CORETYPE");
  });
}

}  // namespace textclass::backend::cpu
