#pragma once
// The model's packed rows of tokens (Backend::attention_forward) for a prefix mask[B,T]: batch row
// b's tokens at rows starts[b] .., then rows of no token up to M (the real tokens and one more rounded
// up to `multiple`, at most B·T as the model has it), for the attention tests of the CUDA backend.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace textclass::backend::op_test {

struct PackedRows {
  std::vector<int32_t> starts;    // [B + 1]
  std::vector<std::size_t> from;  // the padded row (b·T + t) of each row of a token
  int M = 0;

  PackedRows(const std::vector<int32_t>& mask, int B, int T, int multiple) : starts(B + 1, 0) {
    for (int b = 0; b < B; b++) {
      starts[b + 1] = starts[b];
      for (int t = 0; t < T; t++)
        if (mask[static_cast<std::size_t>(b) * T + t] != 0) {
          starts[b + 1]++;
          from.push_back(static_cast<std::size_t>(b) * T + t);
        }
    }
    M = std::min((starts[B] / multiple + 1) * multiple, B * T);
  }
  // The rows of a padded tensor [B·T, width] that are tokens', then `filler` in the rows of no token.
  std::vector<float> pack(const std::vector<float>& padded, int width, float filler) const {
    std::vector<float> rows(static_cast<std::size_t>(M) * width, filler);
    for (std::size_t r = 0; r < from.size(); r++)
      for (int c = 0; c < width; c++) rows[r * width + c] = padded[from[r] * width + c];
    return rows;
  }
};

}  // namespace textclass::backend::op_test
