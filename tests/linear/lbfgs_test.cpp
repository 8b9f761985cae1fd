#include <gtest/gtest.h>

#include <cmath>

#include "textclass/linear/lbfgs.hpp"

namespace textclass::linear {
namespace {

// f(x) = sum_i a_i (x_i - i)^2 with scales a_i from 1 to 1e4: badly conditioned on purpose.
double scaled_quadratic(const std::vector<double>& x, std::vector<double>& gradient) {
  gradient.resize(x.size());
  double f = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double a = std::pow(10.0, 4.0 * static_cast<double>(i) / static_cast<double>(x.size() - 1));
    const double d = x[i] - static_cast<double>(i);
    f += a * d * d;
    gradient[i] = 2 * a * d;
  }
  return f;
}

TEST(Lbfgs, MinimisesRosenbrock) {
  const Objective rosenbrock = [](const std::vector<double>& x, std::vector<double>& g) {
    g = {-400 * x[0] * (x[1] - x[0] * x[0]) - 2 * (1 - x[0]), 200 * (x[1] - x[0] * x[0])};
    return 100 * std::pow(x[1] - x[0] * x[0], 2) + std::pow(1 - x[0], 2);
  };
  std::vector<double> x = {-1.2, 1.0};
  LbfgsOptions options;
  options.gradient_tolerance = 1e-8;
  const LbfgsResult result = minimize_lbfgs(rosenbrock, x, options);
  EXPECT_TRUE(result.converged);
  EXPECT_NEAR(x[0], 1.0, 1e-6);
  EXPECT_NEAR(x[1], 1.0, 1e-6);
}

TEST(Lbfgs, ExactPreconditionerNeedsFewerIterations) {
  LbfgsOptions options;
  options.gradient_tolerance = 1e-8;
  std::vector<double> plain(50, 0.0);
  const LbfgsResult without = minimize_lbfgs(scaled_quadratic, plain, options);

  for (std::size_t i = 0; i < 50; ++i) options.preconditioner.push_back(1.0 / std::pow(10.0, 4.0 * i / 49.0));
  std::vector<double> preconditioned(50, 0.0);
  const LbfgsResult with = minimize_lbfgs(scaled_quadratic, preconditioned, options);
  EXPECT_TRUE(without.converged);
  EXPECT_TRUE(with.converged);
  for (std::size_t i = 0; i < 50; ++i) {
    EXPECT_NEAR(plain[i], static_cast<double>(i), 1e-6);
    EXPECT_NEAR(preconditioned[i], static_cast<double>(i), 1e-6);
  }
  EXPECT_LE(with.iterations, 3);  // the preconditioner is the exact inverse Hessian (up to 2)
  EXPECT_GT(without.iterations, with.iterations);
}

TEST(Lbfgs, StopsAtTheIterationLimit) {
  LbfgsOptions options;
  options.gradient_tolerance = 1e-12;
  options.max_iterations = 3;
  std::vector<double> x(50, 0.0);
  const LbfgsResult result = minimize_lbfgs(scaled_quadratic, x, options);
  EXPECT_FALSE(result.converged);
  EXPECT_EQ(result.iterations, 3);
}

}  // namespace
}  // namespace textclass::linear
