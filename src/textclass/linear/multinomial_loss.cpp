#include "textclass/linear/multinomial_loss.hpp"

#include <algorithm>
#include <cmath>

namespace textclass::linear {

MultinomialLoss::MultinomialLoss(const SparseMatrix& rows, const std::vector<int>& labels, std::size_t classes, double C)
    : rows_(rows),
      columns_(transpose(rows)),
      labels_(labels),
      classes_(classes),
      l2_(1.0 / (C * static_cast<double>(rows.rows))),
      residual_(rows.rows * classes) {}

double MultinomialLoss::value_and_gradient(const std::vector<double>& params, std::vector<double>& gradient) {
  const std::size_t n = rows_.rows, F = rows_.cols, K = classes_;
  const double* W = params.data();
  const double* b = params.data() + F * K;
  const double inv_n = 1.0 / static_cast<double>(n);
  gradient.assign(parameters(), 0.0);
  // Threads pay off from about a millisecond of work; below that, waking them costs more.
  const bool parallel = rows_.nonzeros() * K > 100'000;

  double data_loss = 0;
#pragma omp parallel for schedule(static) reduction(+ : data_loss) if (parallel)
  for (std::size_t i = 0; i < n; ++i) {
    double* z = &residual_[i * K];
    std::copy(b, b + K, z);
    for (std::size_t k = rows_.row_start[i]; k < rows_.row_start[i + 1]; ++k) {
      const double x = rows_.values[k];
      const double* w = W + static_cast<std::size_t>(rows_.columns[k]) * K;
      for (std::size_t c = 0; c < K; ++c) z[c] += x * w[c];
    }
    const double max_z = *std::max_element(z, z + K);
    double sum = 0;
    for (std::size_t c = 0; c < K; ++c) sum += std::exp(z[c] - max_z);
    const auto label = static_cast<std::size_t>(labels_[i]);
    data_loss += max_z + std::log(sum) - z[label];
    for (std::size_t c = 0; c < K; ++c) z[c] = std::exp(z[c] - max_z) / sum * inv_n;
    z[label] -= inv_n;
  }

  double penalty = 0;
#pragma omp parallel for schedule(dynamic, 1024) reduction(+ : penalty) if (parallel)
  for (std::size_t f = 0; f < F; ++f) {
    double* g = &gradient[f * K];
    const double* w = W + f * K;
    for (std::size_t k = columns_.row_start[f]; k < columns_.row_start[f + 1]; ++k) {
      const double x = columns_.values[k];
      const double* r = &residual_[static_cast<std::size_t>(columns_.columns[k]) * K];
      for (std::size_t c = 0; c < K; ++c) g[c] += x * r[c];
    }
    for (std::size_t c = 0; c < K; ++c) {
      g[c] += l2_ * w[c];
      penalty += w[c] * w[c];
    }
  }
  double* db = gradient.data() + F * K;
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t c = 0; c < K; ++c) db[c] += residual_[i * K + c];
  }
  return data_loss * inv_n + 0.5 * l2_ * penalty;
}

std::vector<double> MultinomialLoss::inverse_hessian_diagonal(double confidence_variance) const {
  const std::size_t F = rows_.cols, K = classes_;
  const double inv_n = 1.0 / static_cast<double>(rows_.rows);
  std::vector<double> inverse(parameters());
  for (std::size_t f = 0; f < F; ++f) {
    double squares = 0;
    for (std::size_t k = columns_.row_start[f]; k < columns_.row_start[f + 1]; ++k) {
      squares += columns_.values[k] * columns_.values[k];
    }
    std::fill_n(&inverse[f * K], K, 1.0 / (confidence_variance * squares * inv_n + l2_));
  }
  std::fill_n(&inverse[F * K], K, 1.0 / confidence_variance);
  return inverse;
}

}  // namespace textclass::linear
