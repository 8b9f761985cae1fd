#include "textclass/linear/singleton_features.hpp"

#include <cmath>

namespace textclass::linear {

SingletonFeatures::SingletonFeatures(const SparseMatrix& rows)
    : rows_(rows), merged_column_(rows.cols), row_column_(rows.rows, kSingleton), row_norm_(rows.rows, 0.0) {
  std::vector<std::uint32_t> occurrences(rows.cols, 0);
  for (std::uint32_t column : rows.columns) ++occurrences[column];
  std::uint32_t shared = 0;
  for (std::size_t j = 0; j < rows.cols; ++j) merged_column_[j] = occurrences[j] > 1 ? shared++ : kSingleton;

  std::uint32_t next = shared;
  merged_.rows = rows.rows;
  merged_.row_start.reserve(rows.rows + 1);
  for (std::size_t i = 0; i < rows.rows; ++i) {
    double squares = 0;
    bool has_singletons = false;
    for (std::size_t k = rows.row_start[i]; k < rows.row_start[i + 1]; ++k) {
      const std::uint32_t column = merged_column_[rows.columns[k]];
      if (column == kSingleton) {
        has_singletons = true;
        squares += rows.values[k] * rows.values[k];
      } else {
        merged_.columns.push_back(column);
        merged_.values.push_back(rows.values[k]);
      }
    }
    if (has_singletons) {  // after the shared columns, so the row stays sorted
      row_column_[i] = next++;
      row_norm_[i] = std::sqrt(squares);
      merged_.columns.push_back(row_column_[i]);
      merged_.values.push_back(row_norm_[i]);
    }
    merged_.row_start.push_back(merged_.columns.size());
  }
  merged_.cols = next;
}

std::vector<double> SingletonFeatures::expand(const std::vector<double>& merged_weights, std::size_t K) const {
  std::vector<double> weights(rows_.cols * K, 0.0);
  for (std::size_t j = 0; j < rows_.cols; ++j) {
    if (merged_column_[j] == kSingleton) continue;
    for (std::size_t c = 0; c < K; ++c) weights[j * K + c] = merged_weights[merged_column_[j] * K + c];
  }
  for (std::size_t i = 0; i < rows_.rows; ++i) {
    if (row_column_[i] == kSingleton || row_norm_[i] == 0) continue;
    const double* u = &merged_weights[row_column_[i] * K];
    for (std::size_t k = rows_.row_start[i]; k < rows_.row_start[i + 1]; ++k) {
      const std::uint32_t j = rows_.columns[k];
      if (merged_column_[j] != kSingleton) continue;
      for (std::size_t c = 0; c < K; ++c) weights[j * K + c] = rows_.values[k] / row_norm_[i] * u[c];
    }
  }
  return weights;
}

}  // namespace textclass::linear
