#pragma once
// Multi-label logistic regression as sklearn's OneVsRestClassifier(LogisticRegression(C=C)): one
// binary model per class, each scoring its class with a sigmoid, independently of the others.
//   z_ic = x_i w_c + b_c,  p_ic = sigmoid(z_ic)
// Each binary model is the optimum of sklearn's binary objective
//   (1/n) sum_i log(1 + exp(-s_i z_i)) + ||w||^2 / (2 C n)      (s_i = +-1, b not penalised)
// which LogisticRegression reaches as a two-class multinomial fit with C / 2: by symmetry its
// optimum has w_1 = -w_0, so its penalty (||w_0||^2 + ||w_1||^2) / (2 (C/2) n) is ||w||^2 / (2 C n)
// for w = w_1 - w_0, and softmax(z_0, z_1)_1 = sigmoid(z_1 - z_0). A class that every training
// row holds (or none) gets a constant probability of 1 (or 0), as sklearn's _ConstantPredictor:
// its intercept is +inf (or -inf) and its weights 0.
#include <cstddef>
#include <vector>

#include "textclass/linear/logistic_regression.hpp"
#include "textclass/linear/sparse_matrix.hpp"

namespace textclass::linear {

class OneVsRestLogisticRegression {
 public:
  OneVsRestLogisticRegression() : OneVsRestLogisticRegression(LogisticRegressionOptions{}) {}
  explicit OneVsRestLogisticRegression(const LogisticRegressionOptions& options);
  // A fitted model from its saved parts: coef is features x classes row-major, one intercept per class.
  OneVsRestLogisticRegression(const LogisticRegressionOptions& options, std::size_t features, std::size_t classes,
                              std::vector<double> coef, std::vector<double> intercept);

  // Fits one binary model per class on `rows`; label_sets holds each row's classes in [0, classes).
  // The summary adds up the iterations, and is converged when every binary fit is.
  FitSummary fit(const SparseMatrix& rows, const std::vector<std::vector<int>>& label_sets, std::size_t classes);

  // rows x classes probabilities (each class's sigmoid), row-major.
  std::vector<double> predict_proba(const SparseMatrix& rows) const;

  const LogisticRegressionOptions& options() const { return options_; }
  std::size_t features() const { return features_; }
  std::size_t classes() const { return classes_; }
  const std::vector<double>& coef() const { return coef_; }
  const std::vector<double>& intercept() const { return intercept_; }

 private:
  LogisticRegressionOptions options_;
  std::size_t features_ = 0, classes_ = 0;
  std::vector<double> coef_;       // features x classes
  std::vector<double> intercept_;  // classes; +-inf for a constant class
};

}  // namespace textclass::linear
