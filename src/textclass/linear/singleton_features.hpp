#pragma once
// Shrinks an L2-regularised linear fit without changing its solution by merging, per row, the
// features that occur in that row only ("singletons": most bigrams of a TF-IDF vocabulary).
//
// Why it is exact: at the optimum of  sum_i loss_i(x_i W + b) + (lambda/2) ||W||^2  the gradient
// in W_j (row j of W) is zero:  sum_i x_ij r_i + lambda W_j = 0,  with r_i = d loss_i / d z_i.
// For a singleton j of row i that gives W_j = -(x_ij / lambda) r_i: all singletons of row i have
// weights proportional to x_ij along one shared vector. So restrict them to W_j = (x_ij / sqrt(s_i)) u_i
// with s_i = sum of x_ij^2 over row i's singletons. Then row i's logits get
// sum_j x_ij W_j = sqrt(s_i) u_i and the penalty sum_j ||W_j||^2 = ||u_i||^2: the same problem as one
// feature of value sqrt(s_i) with weights u_i. The restricted problem holds the unrestricted
// optimum, so both share it. On AG News mod5-0: 152,791 features become 40,546.
#include <cstdint>
#include <vector>

#include "textclass/linear/sparse_matrix.hpp"

namespace textclass::linear {

class SingletonFeatures {
 public:
  explicit SingletonFeatures(const SparseMatrix& rows);

  // `rows` with the shared features first (in their order), then one merged feature per row that
  // has singletons.
  const SparseMatrix& merged_rows() const { return merged_; }

  // The full features x K weights from merged-space weights (merged features x K, row-major).
  std::vector<double> expand(const std::vector<double>& merged_weights, std::size_t K) const;

 private:
  static constexpr std::uint32_t kSingleton = UINT32_MAX;
  const SparseMatrix& rows_;
  std::vector<std::uint32_t> merged_column_;  // per original feature: its merged column, or kSingleton
  std::vector<std::uint32_t> row_column_;     // per row: its merged singleton column, or kSingleton
  std::vector<double> row_norm_;              // per row: sqrt(s_i)
  SparseMatrix merged_;
};

}  // namespace textclass::linear
