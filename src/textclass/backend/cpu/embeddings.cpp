#include "textclass/backend/cpu/embeddings.hpp"

#include <algorithm>
#include <cstddef>

namespace textclass::backend::cpu {

void embeddings_forward(float* out, const int32_t* ids, const int32_t* token_types, const float* wte, const float* wpe,
                        const float* wtt, int B, int T, int C) {
#pragma omp parallel for collapse(2)
  for (int b = 0; b < B; b++) {
    for (int t = 0; t < T; t++) {
      const std::size_t bt = static_cast<std::size_t>(b) * T + t;
      const float* word = wte + static_cast<std::size_t>(ids[bt]) * C;
      const float* type = wtt + static_cast<std::size_t>(token_types[bt]) * C;
      const float* position = wpe + static_cast<std::size_t>(t) * C;
      float* o = out + bt * C;
      for (int c = 0; c < C; c++) o[c] = (word[c] + type[c]) + position[c];
    }
  }
}

void embeddings_backward(float* dwte, float* dwpe, float* dwtt, const float* dout, const int32_t* ids,
                         const int32_t* token_types, int B, int T, int C) {
  // Tokens that share an id share a row of dwte, so threads split the channels rather than the
  // tokens: no two threads write one element, and every run sums in the same order.
  constexpr int block = 64;
#pragma omp parallel for schedule(static)
  for (int c0 = 0; c0 < C; c0 += block) {
    const int c1 = std::min(C, c0 + block);
    for (int b = 0; b < B; b++) {
      for (int t = 0; t < T; t++) {
        const std::size_t bt = static_cast<std::size_t>(b) * T + t;
        const float* d = dout + bt * C;
        float* word = dwte + static_cast<std::size_t>(ids[bt]) * C;
        float* type = dwtt + static_cast<std::size_t>(token_types[bt]) * C;
        float* position = dwpe + static_cast<std::size_t>(t) * C;
        for (int c = c0; c < c1; c++) {
          word[c] += d[c];
          type[c] += d[c];
          position[c] += d[c];
        }
      }
    }
  }
}

}  // namespace textclass::backend::cpu
