#pragma once
// Small random sparse problems for the optimiser tests.
#include <random>
#include <vector>

#include "textclass/linear/sparse_matrix.hpp"

namespace textclass::linear::testing {

struct ToyProblem {
  SparseMatrix rows;
  std::vector<int> labels;
};

// `n` rows over `features` columns, each entry present with probability `density`, labels drawn
// from `classes`. With `separable`, feature c (c < classes) is set strongly in every row of class c.
inline ToyProblem random_problem(std::size_t n, std::size_t features, int classes, double density, bool separable,
                                 unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  ToyProblem p;
  p.rows.rows = n;
  p.rows.cols = features;
  for (std::size_t i = 0; i < n; ++i) {
    const int label = static_cast<int>(i % static_cast<std::size_t>(classes));
    p.labels.push_back(label);
    for (std::size_t j = 0; j < features; ++j) {
      const bool marker = separable && j == static_cast<std::size_t>(label);
      if (marker || (j >= static_cast<std::size_t>(classes) && uniform(rng) < density)) {
        p.rows.columns.push_back(static_cast<std::uint32_t>(j));
        p.rows.values.push_back(marker ? 2.0 : uniform(rng));
      }
    }
    p.rows.row_start.push_back(p.rows.columns.size());
  }
  return p;
}

}  // namespace textclass::linear::testing
