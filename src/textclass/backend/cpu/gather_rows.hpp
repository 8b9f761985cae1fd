#pragma once
// Rows picked by index: out[i] = inp[rows[i]], or zeros where rows[i] < 0. Shapes: out [n, C],
// rows [n]; inp has every row an index names.

#include <cstdint>

namespace textclass::backend::cpu {

void gather_rows(float* out, const float* inp, const int32_t* rows, int n, int C);

}  // namespace textclass::backend::cpu
