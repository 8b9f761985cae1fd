#include "textclass/backend/cpu/isa.hpp"

namespace textclass::backend::cpu {

bool isa_supported(Isa isa) {
  // __builtin_cpu_supports reads cpuid and checks that the operating system saves the registers.
  switch (isa) {
    case Isa::avx512:  // the features of TEXTCLASS_AVX512_FEATURES
      return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
             __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl") && isa_supported(Isa::avx2);
    case Isa::avx2:  // TEXTCLASS_AVX2_FEATURES
      return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case Isa::baseline:
      return true;
  }
  return false;
}

Isa best_isa() {
  for (Isa isa : {Isa::avx512, Isa::avx2})
    if (isa_supported(isa)) return isa;
  return Isa::baseline;
}

const char* isa_name(Isa isa) {
  switch (isa) {
    case Isa::avx512: return "avx512";
    case Isa::avx2: return "avx2";
    case Isa::baseline: return "baseline";
  }
  return "?";
}

}  // namespace textclass::backend::cpu
