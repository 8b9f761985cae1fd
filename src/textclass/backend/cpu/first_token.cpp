#include "textclass/backend/cpu/first_token.hpp"

#include <algorithm>
#include <cstddef>

namespace textclass::backend::cpu {

void first_token_forward(float* out, const float* inp, int B, int T, int C) {
  for (int b = 0; b < B; b++) {
    const float* first = inp + static_cast<std::size_t>(b) * T * C;
    std::copy(first, first + C, out + static_cast<std::size_t>(b) * C);
  }
}

void first_token_backward(float* dinp, const float* dout, int B, int T, int C) {
#pragma omp parallel for
  for (int b = 0; b < B; b++) {
    float* row = dinp + static_cast<std::size_t>(b) * T * C;
    const float* d = dout + static_cast<std::size_t>(b) * C;
    std::copy(d, d + C, row);
    std::fill(row + C, row + static_cast<std::size_t>(T) * C, 0.0f);
  }
}

}  // namespace textclass::backend::cpu
