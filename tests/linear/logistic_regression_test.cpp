#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "textclass/error.hpp"
#include "textclass/linear/logistic_regression.hpp"
#include "textclass/linear/multinomial_loss.hpp"
#include "textclass/linear/singleton_features.hpp"
#include "toy_data.hpp"

namespace textclass::linear {
namespace {

TEST(LogisticRegression, SeparableToySetIsLearned) {
  const auto problem = testing::random_problem(60, 20, 3, 0.2, true, 5);
  LogisticRegression model;
  const FitSummary fit = model.fit(problem.rows, problem.labels, 3);
  EXPECT_TRUE(fit.converged);
  EXPECT_EQ(model.predict(problem.rows), problem.labels);
  const std::vector<double> probs = model.predict_proba(problem.rows);
  for (std::size_t i = 0; i < 60; ++i) {
    const double sum = std::accumulate(probs.begin() + 3 * i, probs.begin() + 3 * i + 3, 0.0);
    EXPECT_NEAR(sum, 1.0, 1e-12);
    EXPECT_GT(probs[3 * i + problem.labels[i]], 0.5);
  }
}

// The fit works on merged singleton features (singleton_features.hpp); its answer must still be
// the optimum of the full problem: the full gradient vanishes there.
TEST(LogisticRegression, SolutionIsTheFullProblemsOptimum) {
  const auto problem = testing::random_problem(80, 300, 3, 0.01, false, 9);  // mostly singleton features
  const SingletonFeatures merged(problem.rows);
  ASSERT_LT(merged.merged_rows().cols, 200u);
  LogisticRegressionOptions options;
  options.C = 3.0;
  options.tol = 1e-10;
  LogisticRegression model(options);
  model.fit(problem.rows, problem.labels, 3);

  MultinomialLoss loss(problem.rows, problem.labels, 3, options.C);
  std::vector<double> params = model.coef();
  params.insert(params.end(), model.intercept().begin(), model.intercept().end());
  std::vector<double> gradient;
  loss.value_and_gradient(params, gradient);
  // The fit stops once f stalls at rounding level (64 eps relative), with gradients near 1e-8;
  // the start's are near 1e-1.
  for (double g : gradient) EXPECT_NEAR(g, 0.0, 1e-7);
}

TEST(LogisticRegression, ClassWithoutRowsGetsProbabilityZero) {
  auto problem = testing::random_problem(30, 10, 2, 0.5, true, 1);
  for (int& label : problem.labels) label = label == 1 ? 2 : 0;  // class 1 of 3 has no rows
  LogisticRegression model;
  model.fit(problem.rows, problem.labels, 3);
  const std::vector<double> probs = model.predict_proba(problem.rows);
  for (std::size_t i = 0; i < 30; ++i) EXPECT_EQ(probs[3 * i + 1], 0.0);
  EXPECT_EQ(model.predict(problem.rows), problem.labels);
}

TEST(LogisticRegression, BadInputIsAnError) {
  const auto problem = testing::random_problem(10, 5, 2, 0.5, true, 2);
  LogisticRegression model;
  EXPECT_THROW(model.fit(problem.rows, std::vector<int>(10, 0), 2), Error);  // one class only
  EXPECT_THROW(model.fit(problem.rows, std::vector<int>(10, 5), 2), Error);  // label out of range
  EXPECT_THROW(model.predict(problem.rows), Error);                          // not fitted
  LogisticRegressionOptions options;
  options.C = 0;
  EXPECT_THROW(LogisticRegression{options}, Error);
}

}  // namespace
}  // namespace textclass::linear
