#include "textclass/linear/ridge_regression.hpp"

#include <cmath>
#include <numeric>
#include <string>

#include "textclass/error.hpp"

namespace textclass::linear {
namespace {

double dot(const std::vector<double>& a, const std::vector<double>& b) {
  return std::inner_product(a.begin(), a.end(), b.begin(), 0.0);
}

// out = X v (n values)
void multiply(const SparseMatrix& x, const std::vector<double>& v, std::vector<double>& out) {
  out.assign(x.rows, 0.0);
  for (std::size_t i = 0; i < x.rows; ++i) {
    double sum = 0;
    for (std::size_t k = x.row_start[i]; k < x.row_start[i + 1]; ++k) sum += x.values[k] * v[x.columns[k]];
    out[i] = sum;
  }
}

}  // namespace

RidgeRegression::RidgeRegression(const RidgeOptions& options) : options_(options) {
  if (!(options.alpha > 0)) throw Error("alpha must be positive, got " + std::to_string(options.alpha));
  if (!(options.tol > 0)) throw Error("tol must be positive, got " + std::to_string(options.tol));
  if (options.max_iter < 1) throw Error("max_iter must be at least 1, got " + std::to_string(options.max_iter));
}

RidgeRegression::RidgeRegression(const RidgeOptions& options, std::vector<double> coef, double intercept)
    : RidgeRegression(options) {
  if (coef.empty()) throw Error("ridge regression weights: no features");
  fitted_ = true;
  coef_ = std::move(coef);
  intercept_ = intercept;
}

FitSummary RidgeRegression::fit(const SparseMatrix& rows, const std::vector<double>& values) {
  if (values.size() != rows.rows) throw Error("ridge regression: one value per row needed");
  if (rows.rows == 0) throw Error("ridge regression: no rows");
  const std::size_t n = rows.rows, F = rows.cols;
  const double inv_n = 1.0 / static_cast<double>(n);
  const SparseMatrix columns = transpose(rows);
  std::vector<double> mu(F);  // column means
  for (std::size_t f = 0; f < F; ++f) {
    double sum = 0;
    for (std::size_t k = columns.row_start[f]; k < columns.row_start[f + 1]; ++k) sum += columns.values[k];
    mu[f] = sum * inv_n;
  }
  const double ybar = std::accumulate(values.begin(), values.end(), 0.0) * inv_n;

  // Xc^T u = X^T u - mu (1 . u)
  std::vector<double> scratch;
  const auto centred_transpose_times = [&](const std::vector<double>& u, std::vector<double>& out) {
    multiply(columns, u, out);
    const double total = std::accumulate(u.begin(), u.end(), 0.0);
    for (std::size_t f = 0; f < F; ++f) out[f] -= mu[f] * total;
  };
  // (Xc^T Xc + alpha I) v
  const auto normal_times = [&](const std::vector<double>& v, std::vector<double>& out) {
    multiply(rows, v, scratch);
    const double shift = dot(mu, v);
    for (double& s : scratch) s -= shift;
    centred_transpose_times(scratch, out);
    for (std::size_t f = 0; f < F; ++f) out[f] += options_.alpha * v[f];
  };

  std::vector<double> centred(n);
  for (std::size_t i = 0; i < n; ++i) centred[i] = values[i] - ybar;
  std::vector<double> rhs, w(F, 0.0), r, p, q;
  centred_transpose_times(centred, rhs);
  r = rhs;
  p = r;
  double rr = dot(r, r);
  const double stop = options_.tol * options_.tol * rr;
  int iterations = 0;
  bool converged = rr <= stop || rr == 0;
  while (!converged && iterations < options_.max_iter) {
    normal_times(p, q);
    const double step = rr / dot(p, q);
    for (std::size_t f = 0; f < F; ++f) {
      w[f] += step * p[f];
      r[f] -= step * q[f];
    }
    const double rr_next = dot(r, r);
    ++iterations;
    converged = rr_next <= stop;
    for (std::size_t f = 0; f < F; ++f) p[f] = r[f] + rr_next / rr * p[f];
    rr = rr_next;
  }
  coef_ = std::move(w);
  intercept_ = ybar - dot(mu, coef_);
  fitted_ = true;

  const std::vector<double> predicted = predict(rows);
  double objective = options_.alpha * dot(coef_, coef_);
  for (std::size_t i = 0; i < n; ++i) objective += (values[i] - predicted[i]) * (values[i] - predicted[i]);
  return FitSummary{iterations, converged, objective};
}

std::vector<double> RidgeRegression::predict(const SparseMatrix& rows) const {
  if (!fitted_) throw Error("the ridge regression is not fitted");
  if (rows.cols != coef_.size()) {
    throw Error("rows have " + std::to_string(rows.cols) + " features, the model " + std::to_string(coef_.size()));
  }
  std::vector<double> values;
  multiply(rows, coef_, values);
  for (double& value : values) value += intercept_;
  return values;
}

}  // namespace textclass::linear
