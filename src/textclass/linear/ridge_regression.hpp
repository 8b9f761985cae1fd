#pragma once
// Ridge regression with an intercept, as sklearn's Ridge(alpha=alpha, fit_intercept=True):
//   X: n x F sparse rows, y: n values;  minimise ||y - X w - b||^2 + alpha ||w||^2   (b not penalised)
// With mu the column means of X and ybar the mean of y, the optimum is
//   (Xc^T Xc + alpha I) w = Xc^T (y - ybar),  Xc = X - 1 mu^T,  b = ybar - mu . w
// solved by conjugate gradients on these normal equations (the matrix is symmetric positive
// definite for alpha > 0), Xc applied without forming it (X v - (mu . v) 1), as sklearn's sparse_cg
// centres sparse data. sklearn stops its CG at a relative residual of 1e-4 (its tol); the default
// here runs to 1e-10, the optimum to rounding, which is what the tests compare with sklearn's exact
// (Cholesky) solution.
#include <cstddef>
#include <vector>

#include "textclass/linear/logistic_regression.hpp"
#include "textclass/linear/sparse_matrix.hpp"

namespace textclass::linear {

struct RidgeOptions {
  double alpha = 1.0;    // the L2 penalty's strength, sklearn's default
  double tol = 1e-10;    // stop when ||residual|| <= tol ||Xc^T (y - ybar)||
  int max_iter = 1000;   // CG iterations at most
};

class RidgeRegression {
 public:
  RidgeRegression() : RidgeRegression(RidgeOptions{}) {}
  explicit RidgeRegression(const RidgeOptions& options);
  // A fitted model from its saved parts: one coefficient per feature and the intercept.
  RidgeRegression(const RidgeOptions& options, std::vector<double> coef, double intercept);

  // Fits on `rows` with one value per row. FitSummary::loss is the objective at the end.
  FitSummary fit(const SparseMatrix& rows, const std::vector<double>& values);

  // One predicted value per row.
  std::vector<double> predict(const SparseMatrix& rows) const;

  const RidgeOptions& options() const { return options_; }
  std::size_t features() const { return coef_.size(); }
  bool fitted() const { return fitted_; }
  const std::vector<double>& coef() const { return coef_; }
  double intercept() const { return intercept_; }

 private:
  RidgeOptions options_;
  bool fitted_ = false;
  std::vector<double> coef_;
  double intercept_ = 0;
};

}  // namespace textclass::linear
