#include "textclass/backend/cpu/gather_rows.hpp"

#include <algorithm>
#include <cstddef>

namespace textclass::backend::cpu {

void gather_rows(float* out, const float* inp, const int32_t* rows, int n, int C) {
#pragma omp parallel for schedule(static)
  for (int i = 0; i < n; i++) {
    float* row = out + static_cast<std::size_t>(i) * C;
    if (rows[i] < 0) {
      std::fill(row, row + C, 0.0f);
    } else {
      const float* from = inp + static_cast<std::size_t>(rows[i]) * C;
      std::copy(from, from + C, row);
    }
  }
}

}  // namespace textclass::backend::cpu
