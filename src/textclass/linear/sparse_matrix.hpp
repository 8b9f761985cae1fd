#pragma once
// A sparse matrix in compressed sparse row (CSR) form, as scipy.sparse.csr_matrix: the entries of
// row r are columns[row_start[r] .. row_start[r+1]) with their values, columns ascending.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace textclass::linear {

struct SparseMatrix {
  std::size_t rows = 0, cols = 0;
  std::vector<std::size_t> row_start = {0};  // rows + 1 offsets into columns/values
  std::vector<std::uint32_t> columns;
  std::vector<double> values;

  std::size_t nonzeros() const { return values.size(); }
};

// The transpose, also in CSR form (so the CSC form of `matrix`): lets X^T r be computed one
// output row at a time, in parallel and without write conflicts.
SparseMatrix transpose(const SparseMatrix& matrix);

}  // namespace textclass::linear
