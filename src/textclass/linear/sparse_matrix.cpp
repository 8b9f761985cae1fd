#include "textclass/linear/sparse_matrix.hpp"

namespace textclass::linear {

SparseMatrix transpose(const SparseMatrix& matrix) {
  SparseMatrix result;
  result.rows = matrix.cols;
  result.cols = matrix.rows;
  result.row_start.assign(matrix.cols + 1, 0);
  for (std::uint32_t column : matrix.columns) ++result.row_start[column + 1];
  for (std::size_t c = 0; c < matrix.cols; ++c) result.row_start[c + 1] += result.row_start[c];
  result.columns.resize(matrix.nonzeros());
  result.values.resize(matrix.nonzeros());
  // Visiting rows in order leaves each output row's columns ascending.
  std::vector<std::size_t> next(result.row_start.begin(), result.row_start.end() - 1);
  for (std::size_t r = 0; r < matrix.rows; ++r) {
    for (std::size_t k = matrix.row_start[r]; k < matrix.row_start[r + 1]; ++k) {
      const std::size_t slot = next[matrix.columns[k]]++;
      result.columns[slot] = static_cast<std::uint32_t>(r);
      result.values[slot] = matrix.values[k];
    }
  }
  return result;
}

}  // namespace textclass::linear
