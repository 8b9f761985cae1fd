// The loss's gradient against central finite differences of its value, and its value against
// the formula evaluated directly.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "textclass/linear/multinomial_loss.hpp"
#include "toy_data.hpp"

namespace textclass::linear {
namespace {

TEST(MultinomialLoss, GradientMatchesFiniteDifferences) {
  const auto problem = testing::random_problem(40, 12, 3, 0.4, false, 7);
  MultinomialLoss loss(problem.rows, problem.labels, 3, 0.5);
  std::mt19937 rng(3);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::vector<double> params(loss.parameters());
  for (double& p : params) p = normal(rng);
  std::vector<double> gradient, ignored;
  loss.value_and_gradient(params, gradient);
  ASSERT_EQ(gradient.size(), params.size());
  const double h = 1e-6;
  for (std::size_t j = 0; j < params.size(); ++j) {
    std::vector<double> plus = params, minus = params;
    plus[j] += h;
    minus[j] -= h;
    const double numeric = (loss.value_and_gradient(plus, ignored) - loss.value_and_gradient(minus, ignored)) / (2 * h);
    EXPECT_NEAR(gradient[j], numeric, 1e-7) << "parameter " << j;
  }
}

TEST(MultinomialLoss, ValueIsMeanCrossEntropyPlusPenalty) {
  const auto problem = testing::random_problem(10, 5, 2, 0.5, false, 11);
  const double C = 2.0;
  MultinomialLoss loss(problem.rows, problem.labels, 2, C);
  std::vector<double> params(loss.parameters());
  for (std::size_t j = 0; j < params.size(); ++j) params[j] = 0.1 * static_cast<double>(j) - 0.3;
  std::vector<double> gradient;
  const double value = loss.value_and_gradient(params, gradient);

  const std::size_t F = 5, K = 2, n = 10;
  double expected = 0;
  for (std::size_t i = 0; i < n; ++i) {
    double z[2] = {params[F * K], params[F * K + 1]};
    for (std::size_t k = problem.rows.row_start[i]; k < problem.rows.row_start[i + 1]; ++k) {
      for (std::size_t c = 0; c < K; ++c) z[c] += problem.rows.values[k] * params[problem.rows.columns[k] * K + c];
    }
    expected -= std::log(std::exp(z[problem.labels[i]]) / (std::exp(z[0]) + std::exp(z[1])));
  }
  double squares = 0;
  for (std::size_t j = 0; j < F * K; ++j) squares += params[j] * params[j];  // the intercepts are not penalised
  expected = expected / n + squares / (2 * C * n);
  EXPECT_NEAR(value, expected, 1e-12);
}

}  // namespace
}  // namespace textclass::linear
