#pragma once
// The objective multinomial logistic regression minimises, scaled as sklearn (>= 1.1) scales it
// for lbfgs (LinearModelLoss with HalfMultinomialLoss, l2_reg_strength = 1 / (C n)):
//   X: n x F sparse rows, y: n labels in [0, K), W: F x K, b: K
//   z_i = x_i W + b,  p_i = softmax(z_i)
//   f   = (1/n) sum_i [ logsumexp(z_i) - z_{i, y_i} ] + (1 / (2 C n)) ||W||^2   (b not penalised)
//   dW  = (1/n) X^T (P - Y) + W / (C n)          (Y: one-hot labels)
//   db  = (1/n) sum_i (p_i - y_i)
// Parameters are packed as [W row-major (F x K), b (K)]. Rows are spread over OpenMP threads;
// X^T (P - Y) is taken one feature at a time from X's transpose, so no two threads write the same
// gradient entry and the gradient does not depend on the thread count.
#include <cstddef>
#include <vector>

#include "textclass/linear/sparse_matrix.hpp"

namespace textclass::linear {

class MultinomialLoss {
 public:
  // Keeps references to `rows` and `labels`: they must outlive the loss.
  MultinomialLoss(const SparseMatrix& rows, const std::vector<int>& labels, std::size_t classes, double C);

  std::size_t parameters() const { return (rows_.cols + 1) * classes_; }
  // f at `params`; fills `gradient` (resized to parameters()).
  double value_and_gradient(const std::vector<double>& params, std::vector<double>& gradient);

  // A guess at 1 / (the Hessian's diagonal) for L-BFGS's preconditioner. The diagonal is
  //   d f / d W_jc^2 = (1/n) sum_i x_ij^2 p_ic (1 - p_ic) + 1 / (C n),   d f / d b_c^2 = (1/n) sum_i p_ic (1 - p_ic)
  // with p_ic (1 - p_ic) taken as one constant, `confidence_variance`: its size near the optimum,
  // where most training rows get probabilities close to 0 or 1.
  std::vector<double> inverse_hessian_diagonal(double confidence_variance) const;

 private:
  const SparseMatrix& rows_;
  SparseMatrix columns_;  // the transpose of rows_
  const std::vector<int>& labels_;
  std::size_t classes_;
  double l2_;                     // 1 / (C n)
  std::vector<double> residual_;  // (P - Y) / n, n x K
};

}  // namespace textclass::linear
