#pragma once
// A sparse matrix in compressed sparse row (CSR) form, as scipy.sparse.csr_matrix: the entries of
// row r are columns[row_start[r] .. row_start[r+1]) with their values, columns ascending.
#include <algorithm>
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

// A linear model's scores, rows · coef + intercept (coef features x K row-major, intercept K), as
// rows.rows x K row-major; each row's K scores are handed to link(z) to turn in place into what the
// model gives (probabilities). Large inputs run their rows in parallel.
template <typename Link>
std::vector<double> linear_scores(const SparseMatrix& rows, const std::vector<double>& coef,
                                  const std::vector<double>& intercept, Link link) {
  const std::size_t K = intercept.size();
  std::vector<double> scores(rows.rows * K);
#pragma omp parallel for schedule(static) if (rows.nonzeros() * K > 100'000)
  for (std::size_t i = 0; i < rows.rows; ++i) {
    double* z = &scores[i * K];
    std::copy(intercept.begin(), intercept.end(), z);
    for (std::size_t k = rows.row_start[i]; k < rows.row_start[i + 1]; ++k) {
      const double* w = &coef[static_cast<std::size_t>(rows.columns[k]) * K];
      for (std::size_t c = 0; c < K; ++c) z[c] += rows.values[k] * w[c];
    }
    link(z);
  }
  return scores;
}

}  // namespace textclass::linear
