#include "textclass/backend/cpu/embeddings.hpp"

#include <algorithm>
#include <cstddef>

namespace textclass::backend::cpu {

void embeddings_forward(float* out, const int32_t* ids, const int32_t* token_types, const int32_t* rows,
                        const float* wte, const float* wpe, const float* wtt, int M, int T, int C) {
#pragma omp parallel for
  for (int r = 0; r < M; r++) {
    float* o = out + static_cast<std::size_t>(r) * C;
    const int32_t bt = rows != nullptr ? rows[r] : r;
    if (bt < 0) {
      std::fill(o, o + C, 0.0f);
      continue;
    }
    const float* word = wte + static_cast<std::size_t>(ids[bt]) * C;
    const float* type = wtt + static_cast<std::size_t>(token_types[bt]) * C;
    const float* position = wpe + static_cast<std::size_t>(bt % T) * C;
    for (int c = 0; c < C; c++) o[c] = (word[c] + type[c]) + position[c];
  }
}

void embeddings_backward(float* dwte, float* dwpe, float* dwtt, const float* dout, const int32_t* ids,
                         const int32_t* token_types, const int32_t* rows, int M, int T, int C) {
  // Tokens that share an id share a row of dwte, so threads split the channels rather than the
  // tokens: no two threads write one element, and every run sums in the same order.
  constexpr int block = 64;
#pragma omp parallel for schedule(static)
  for (int c0 = 0; c0 < C; c0 += block) {
    const int c1 = std::min(C, c0 + block);
    for (int r = 0; r < M; r++) {
      const int32_t bt = rows != nullptr ? rows[r] : r;
      if (bt < 0) continue;
      const float* d = dout + static_cast<std::size_t>(r) * C;
      float* word = dwte + static_cast<std::size_t>(ids[bt]) * C;
      float* type = dwtt + static_cast<std::size_t>(token_types[bt]) * C;
      float* position = dwpe + static_cast<std::size_t>(bt % T) * C;
      for (int c = c0; c < c1; c++) {
        word[c] += d[c];
        type[c] += d[c];
        position[c] += d[c];
      }
    }
  }
}

}  // namespace textclass::backend::cpu
