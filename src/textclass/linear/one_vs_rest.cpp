#include "textclass/linear/one_vs_rest.hpp"

#include <cmath>
#include <limits>
#include <string>

#include "textclass/error.hpp"

namespace textclass::linear {

OneVsRestLogisticRegression::OneVsRestLogisticRegression(const LogisticRegressionOptions& options)
    : options_(options) {
  (void)LogisticRegression(options);  // its constructor checks the options
}

OneVsRestLogisticRegression::OneVsRestLogisticRegression(const LogisticRegressionOptions& options,
                                                         std::size_t features, std::size_t classes,
                                                         std::vector<double> coef, std::vector<double> intercept)
    : OneVsRestLogisticRegression(options) {
  if (coef.size() != features * classes || intercept.size() != classes) {
    throw Error("one-vs-rest weights do not match " + std::to_string(features) + " features and " +
                std::to_string(classes) + " classes");
  }
  features_ = features;
  classes_ = classes;
  coef_ = std::move(coef);
  intercept_ = std::move(intercept);
}

FitSummary OneVsRestLogisticRegression::fit(const SparseMatrix& rows, const std::vector<std::vector<int>>& label_sets,
                                            std::size_t classes) {
  if (label_sets.size() != rows.rows) throw Error("one-vs-rest: one set of classes per row needed");
  if (classes == 0) throw Error("one-vs-rest: no classes");
  std::vector<std::vector<int>> holds(classes, std::vector<int>(rows.rows, 0));
  for (std::size_t i = 0; i < rows.rows; ++i) {
    for (int c : label_sets[i]) {
      if (c < 0 || static_cast<std::size_t>(c) >= classes) {
        throw Error("label " + std::to_string(c) + " is outside the " + std::to_string(classes) + " classes");
      }
      holds[static_cast<std::size_t>(c)][i] = 1;
    }
  }
  LogisticRegressionOptions binary_options = options_;
  binary_options.C = options_.C / 2;  // see the header: the two-class multinomial fit with C/2 is the binary fit with C
  const std::size_t F = rows.cols;
  features_ = F;
  classes_ = classes;
  coef_.assign(F * classes, 0.0);
  intercept_.assign(classes, 0.0);
  FitSummary summary{0, true, 0.0};
  for (std::size_t c = 0; c < classes; ++c) {
    std::size_t positives = 0;
    for (int held : holds[c]) positives += static_cast<std::size_t>(held);
    if (positives == 0 || positives == rows.rows) {
      intercept_[c] = (positives == 0 ? -1 : 1) * std::numeric_limits<double>::infinity();
      continue;
    }
    LogisticRegression binary(binary_options);
    const FitSummary fit = binary.fit(rows, holds[c], 2);
    summary.iterations += fit.iterations;
    summary.converged = summary.converged && fit.converged;
    summary.loss += fit.loss;
    for (std::size_t f = 0; f < F; ++f) coef_[f * classes + c] = binary.coef()[f * 2 + 1] - binary.coef()[f * 2];
    intercept_[c] = binary.intercept()[1] - binary.intercept()[0];
  }
  return summary;
}

std::vector<double> OneVsRestLogisticRegression::predict_proba(const SparseMatrix& rows) const {
  if (classes_ == 0) throw Error("the one-vs-rest model is not fitted");
  if (rows.cols != features_) {
    throw Error("rows have " + std::to_string(rows.cols) + " features, the model " + std::to_string(features_));
  }
  const std::size_t K = classes_;
  return linear_scores(rows, coef_, intercept_, [K](double* z) {
    // 1 / (1 + e^-z), which is 1 at z = +inf and 0 at z = -inf
    for (std::size_t c = 0; c < K; ++c) z[c] = 1.0 / (1.0 + std::exp(-z[c]));
  });
}

}  // namespace textclass::linear
