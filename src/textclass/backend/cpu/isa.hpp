#pragma once
// The vector instruction sets the CPU kernels are compiled for, one of which is chosen at run time
// by what the processor has. The build targets plain x86-64 (SSE2), which runs anywhere; a kernel's
// loop is written once, as an always-inline function, and IsaVariants<loop> compiles it three
// times, for x86-64 (baseline), AVX2 with FMA, and AVX-512 (F, BW, DQ, VL; 512-bit vectors):
//
//   [[gnu::always_inline]] inline void gelu_span(float* out, const float* inp, std::size_t n) {...}
//   IsaVariants<gelu_span>::pick(isa)(out, inp, n);
//
// Helpers the loop calls must inline into it (vector_math.hpp's do), or they run as baseline code.
#include <algorithm>
#include <cstddef>

namespace textclass::backend::cpu {

enum class Isa { baseline, avx2, avx512 };

bool isa_supported(Isa isa);  // by this processor (and its operating system)
Isa best_isa();               // the widest supported
const char* isa_name(Isa isa);

#define TEXTCLASS_AVX2_FEATURES "avx2,fma"
#define TEXTCLASS_AVX512_FEATURES "avx512f,avx512bw,avx512dq,avx512vl,avx2,fma"
#if defined(__clang__)
#define TEXTCLASS_TARGET_AVX512 gnu::target(TEXTCLASS_AVX512_FEATURES), clang::min_vector_width(512)
#else  // gcc vectorises with 256 bits on AVX-512 unless told otherwise
#define TEXTCLASS_TARGET_AVX512 gnu::target(TEXTCLASS_AVX512_FEATURES ",prefer-vector-width=512")
#endif
#define TEXTCLASS_TARGET_AVX2 gnu::target(TEXTCLASS_AVX2_FEATURES)

template <auto loop>
struct IsaVariants;

template <typename... Args, void (*loop)(Args...)>
struct IsaVariants<loop> {
  [[TEXTCLASS_TARGET_AVX512]] static void avx512(Args... args) { loop(args...); }
  [[TEXTCLASS_TARGET_AVX2]] static void avx2(Args... args) { loop(args...); }
  static void baseline(Args... args) { loop(args...); }

  using Function = void (*)(Args...);
  static Function pick(Isa isa) {
    switch (isa) {
      case Isa::avx512: return avx512;
      case Isa::avx2: return avx2;
      case Isa::baseline: break;
    }
    return baseline;
  }
};

// body(begin, end) on fixed chunks of [0, n), split among the OpenMP threads: one thread team per
// op, and vector loops long enough to run at full width.
template <typename Body>
void for_each_chunk(std::size_t n, Body body) {
  constexpr std::size_t chunk = 16384;
  const std::size_t chunks = (n + chunk - 1) / chunk;
#pragma omp parallel for schedule(static)
  for (std::size_t c = 0; c < chunks; c++) body(c * chunk, std::min(n, (c + 1) * chunk));
}

}  // namespace textclass::backend::cpu
