#include "textclass/linear/logistic_regression.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "textclass/error.hpp"
#include "textclass/linear/multinomial_loss.hpp"
#include "textclass/linear/singleton_features.hpp"

namespace textclass::linear {

LogisticRegression::LogisticRegression(const LogisticRegressionOptions& options) : options_(options) {
  if (!(options.C > 0)) throw Error("C must be positive, got " + std::to_string(options.C));
  if (!(options.tol > 0)) throw Error("tol must be positive, got " + std::to_string(options.tol));
  if (options.max_iter < 1) throw Error("max_iter must be at least 1, got " + std::to_string(options.max_iter));
}

LogisticRegression::LogisticRegression(const LogisticRegressionOptions& options, std::size_t features,
                                       std::size_t classes, std::vector<double> coef, std::vector<double> intercept)
    : LogisticRegression(options) {
  if (coef.size() != features * classes || intercept.size() != classes) {
    throw Error("logistic regression weights do not match " + std::to_string(features) + " features and " +
                std::to_string(classes) + " classes");
  }
  features_ = features;
  classes_ = classes;
  coef_ = std::move(coef);
  intercept_ = std::move(intercept);
}

FitSummary LogisticRegression::fit(const SparseMatrix& rows, const std::vector<int>& labels, std::size_t classes) {
  if (labels.size() != rows.rows) throw Error("logistic regression: one label per row needed");
  // The classes present, renumbered 0..present-1 for the loss.
  std::vector<int> fitted_index(classes, -1);
  std::vector<std::size_t> present;
  for (int label : labels) {
    if (label < 0 || static_cast<std::size_t>(label) >= classes) {
      throw Error("label " + std::to_string(label) + " is outside the " + std::to_string(classes) + " classes");
    }
    if (fitted_index[static_cast<std::size_t>(label)] < 0) {
      fitted_index[static_cast<std::size_t>(label)] = 0;
      present.push_back(static_cast<std::size_t>(label));
    }
  }
  if (present.size() < 2) throw Error("logistic regression needs training rows of at least two classes");
  std::sort(present.begin(), present.end());
  for (std::size_t j = 0; j < present.size(); ++j) fitted_index[present[j]] = static_cast<int>(j);
  std::vector<int> fitted_labels(labels.size());
  std::transform(labels.begin(), labels.end(), fitted_labels.begin(),
                 [&](int label) { return fitted_index[static_cast<std::size_t>(label)]; });

  const std::size_t F = rows.cols, P = present.size();
  const SingletonFeatures singletons(rows);
  const SparseMatrix& merged = singletons.merged_rows();
  MultinomialLoss loss(merged, fitted_labels, P, options_.C);
  std::vector<double> params(loss.parameters(), 0.0);
  LbfgsOptions lbfgs;
  lbfgs.max_iterations = options_.max_iter;
  lbfgs.gradient_tolerance = options_.tol;
  // With the preconditioner below, 5 pairs converge in as few iterations as scipy's 10, each cheaper.
  lbfgs.memory = 5;
  // On AG News mod5-0 this preconditioner reaches sklearn's objective in 33 L-BFGS iterations
  // instead of 170; anything in [0.003, 0.01] does about as well.
  lbfgs.preconditioner = loss.inverse_hessian_diagonal(0.005);
  const LbfgsResult result = minimize_lbfgs(
      [&](const std::vector<double>& x, std::vector<double>& gradient) { return loss.value_and_gradient(x, gradient); },
      params, lbfgs);

  const std::vector<double> weights =
      singletons.expand({params.begin(), params.begin() + static_cast<std::ptrdiff_t>(merged.cols * P)}, P);
  features_ = F;
  classes_ = classes;
  coef_.assign(F * classes, 0.0);
  intercept_.assign(classes, -std::numeric_limits<double>::infinity());
  for (std::size_t j = 0; j < P; ++j) {
    for (std::size_t f = 0; f < F; ++f) coef_[f * classes + present[j]] = weights[f * P + j];
    intercept_[present[j]] = params[merged.cols * P + j];
  }
  return FitSummary{result.iterations, result.converged, result.value};
}

std::vector<double> LogisticRegression::predict_proba(const SparseMatrix& rows) const {
  if (classes_ == 0) throw Error("the logistic regression is not fitted");
  if (rows.cols != features_) {
    throw Error("rows have " + std::to_string(rows.cols) + " features, the model " + std::to_string(features_));
  }
  const std::size_t K = classes_;
  return linear_scores(rows, coef_, intercept_, [K](double* z) {
    const double max_z = *std::max_element(z, z + K);
    double sum = 0;
    for (std::size_t c = 0; c < K; ++c) sum += (z[c] = std::exp(z[c] - max_z));
    for (std::size_t c = 0; c < K; ++c) z[c] /= sum;
  });
}

std::vector<int> LogisticRegression::predict(const SparseMatrix& rows) const {
  const std::vector<double> probs = predict_proba(rows);
  std::vector<int> labels(rows.rows);
  for (std::size_t i = 0; i < rows.rows; ++i) {
    const auto first = probs.begin() + static_cast<std::ptrdiff_t>(i * classes_);
    labels[i] = static_cast<int>(std::max_element(first, first + static_cast<std::ptrdiff_t>(classes_)) - first);
  }
  return labels;
}

}  // namespace textclass::linear
