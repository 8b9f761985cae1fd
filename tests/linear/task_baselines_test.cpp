// The multi-label (one-vs-rest logistic regression) and regression (ridge) baselines against
// scikit-learn 1.2 on the repository's example data (tests/fixtures/sklearn/baselines.json, made
// by make_baselines.py): first our TF-IDF matrix against sklearn's, then the models' outputs on
// the training rows and on unseen rows. Also: the one-vs-rest fit is the binary optimum (its
// gradient vanishes), a class held by every row or none is a constant, and ridge solves its
// normal equations.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "textclass/error.hpp"
#include "textclass/linear/text_classifier.hpp"
#include "toy_data.hpp"

namespace textclass::linear {
namespace {

const nlohmann::json& fixture() {
  static const nlohmann::json json = [] {
    std::ifstream in(std::string(TEXTCLASS_SOURCE_DIR) + "/tests/fixtures/sklearn/baselines.json");
    return nlohmann::json::parse(in);
  }();
  return json;
}

// The baseline's vectorizer (word 1-2-grams, sublinear tf, l2) fitted on the case's texts must
// give sklearn's matrix.
TfidfVectorizer fitted_vectorizer(const nlohmann::json& c) {
  TfidfVectorizer vectorizer;
  const SparseMatrix x = vectorizer.fit_transform(c["texts"].get<std::vector<std::string>>());
  const nlohmann::json& expected = c["x"];
  EXPECT_EQ(x.rows, expected["rows"].get<std::size_t>());
  EXPECT_EQ(x.cols, expected["cols"].get<std::size_t>());
  EXPECT_EQ(x.row_start, expected["row_start"].get<std::vector<std::size_t>>());
  EXPECT_EQ(x.columns, expected["columns"].get<std::vector<std::uint32_t>>());
  const auto values = expected["values"].get<std::vector<double>>();
  EXPECT_EQ(x.values.size(), values.size());
  for (std::size_t k = 0; k < std::min(values.size(), x.values.size()); ++k) EXPECT_NEAR(x.values[k], values[k], 1e-14);
  return vectorizer;
}

void expect_near_all(const std::vector<double>& actual, const std::vector<double>& expected, double tolerance) {
  ASSERT_EQ(actual.size(), expected.size());
  for (std::size_t i = 0; i < actual.size(); ++i) EXPECT_NEAR(actual[i], expected[i], tolerance) << "at " << i;
}

std::vector<double> flat(const nlohmann::json& rows) {
  std::vector<double> out;
  for (const auto& row : rows) for (double v : row.get<std::vector<double>>()) out.push_back(v);
  return out;
}

TEST(OneVsRest, MatchesSklearnOneVsRestLogisticRegression) {
  const nlohmann::json& c = fixture()["multilabel"];
  const auto classes = c["classes"].get<std::vector<std::string>>();
  std::vector<std::vector<int>> label_sets;
  for (const auto& names : c["label_sets"]) {
    std::vector<int> ids;
    for (const auto& name : names) ids.push_back(static_cast<int>(std::find(classes.begin(), classes.end(), name) - classes.begin()));
    std::sort(ids.begin(), ids.end());
    label_sets.push_back(ids);
  }
  LogisticRegressionOptions options;
  options.C = c["C"].get<double>();
  options.tol = 1e-10;
  TextClassifier model{classes, fitted_vectorizer(c), OneVsRestLogisticRegression(options)};
  const FitSummary fit = model.fit(c["texts"].get<std::vector<std::string>>(), label_sets);
  EXPECT_TRUE(fit.converged);
  // The reference is the optimum (newton-cg, gradients near 1e-10). Our L-BFGS stops on scipy's
  // relative-decrease test (64 eps) with gradients near 1e-8: probabilities within 3e-7 of it
  // (sklearn's own default lbfgs stops 6e-6 away, make_baselines.py).
  expect_near_all(model.predict_scores(c["texts"].get<std::vector<std::string>>()), flat(c["train_proba"]), 5e-7);
  expect_near_all(model.predict_scores(c["test_texts"].get<std::vector<std::string>>()), flat(c["test_proba"]), 5e-7);
}

TEST(Ridge, MatchesSklearnRidge) {
  const nlohmann::json& c = fixture()["regression"];
  RidgeOptions options;
  options.alpha = c["alpha"].get<double>();
  TextClassifier model{{}, fitted_vectorizer(c), RidgeRegression(options)};
  const FitSummary fit = model.fit(c["texts"].get<std::vector<std::string>>(), c["values"].get<std::vector<double>>());
  EXPECT_TRUE(fit.converged);
  EXPECT_NEAR(std::get<RidgeRegression>(model.estimator).intercept(), c["intercept"].get<double>(), 1e-10);
  expect_near_all(model.predict_scores(c["texts"].get<std::vector<std::string>>()),
                  c["train_predictions"].get<std::vector<double>>(), 1e-10);
  expect_near_all(model.predict_scores(c["test_texts"].get<std::vector<std::string>>()),
                  c["test_predictions"].get<std::vector<double>>(), 1e-10);
}

// At the one-vs-rest optimum each class's binary objective (1/n) sum log(1 + e^(-s z)) +
// ||w||^2 / (2 C n) has zero gradient: X^T (p - y) / n + w / (C n) = 0 and sum (p - y) = 0.
TEST(OneVsRest, EachClassIsTheBinaryOptimum) {
  const auto problem = testing::random_problem(50, 12, 3, 0.4, false, 4);
  std::vector<std::vector<int>> label_sets(50);
  for (std::size_t i = 0; i < 50; ++i) {
    label_sets[i].push_back(problem.labels[i]);
    if (i % 4 == 0 && problem.labels[i] != 2) label_sets[i].push_back(2);
  }
  LogisticRegressionOptions options;
  options.C = 2.0;
  options.tol = 1e-11;
  OneVsRestLogisticRegression model(options);
  model.fit(problem.rows, label_sets, 3);
  const std::vector<double> probs = model.predict_proba(problem.rows);
  const double n = 50;
  for (std::size_t c = 0; c < 3; ++c) {
    std::vector<double> gradient(12, 0.0);
    double intercept_gradient = 0;
    for (std::size_t i = 0; i < 50; ++i) {
      const bool holds = std::find(label_sets[i].begin(), label_sets[i].end(), static_cast<int>(c)) != label_sets[i].end();
      const double residual = probs[i * 3 + c] - (holds ? 1.0 : 0.0);
      intercept_gradient += residual / n;
      for (std::size_t k = problem.rows.row_start[i]; k < problem.rows.row_start[i + 1]; ++k)
        gradient[problem.rows.columns[k]] += problem.rows.values[k] * residual / n;
    }
    for (std::size_t f = 0; f < 12; ++f) EXPECT_NEAR(gradient[f] + model.coef()[f * 3 + c] / (options.C * n), 0.0, 1e-7);
    EXPECT_NEAR(intercept_gradient, 0.0, 1e-7);
  }
}

TEST(OneVsRest, ClassOfEveryRowOrNoneIsConstant) {
  const auto problem = testing::random_problem(20, 8, 2, 0.5, true, 2);
  std::vector<std::vector<int>> label_sets(20);
  for (std::size_t i = 0; i < 20; ++i) label_sets[i] = {problem.labels[i], 2};  // class 2: every row; class 3: none
  OneVsRestLogisticRegression model;
  model.fit(problem.rows, label_sets, 4);
  const std::vector<double> probs = model.predict_proba(problem.rows);
  for (std::size_t i = 0; i < 20; ++i) {
    EXPECT_EQ(probs[i * 4 + 2], 1.0);
    EXPECT_EQ(probs[i * 4 + 3], 0.0);
    EXPECT_GT(probs[i * 4 + static_cast<std::size_t>(problem.labels[i])], 0.5);  // separable: learned
  }
}

// The ridge solution satisfies (Xc^T Xc + alpha I) w = Xc^T (y - ybar), checked with dense
// arithmetic, and the intercept makes the mean residual zero.
TEST(Ridge, SolvesTheCentredNormalEquations) {
  const auto problem = testing::random_problem(30, 10, 3, 0.5, false, 6);
  std::vector<double> y(30);
  for (std::size_t i = 0; i < 30; ++i) y[i] = std::sin(static_cast<double>(i)) * 3 + problem.labels[i];
  RidgeOptions options;
  options.alpha = 0.3;
  RidgeRegression model(options);
  EXPECT_TRUE(model.fit(problem.rows, y).converged);
  std::vector<std::vector<double>> x(30, std::vector<double>(10, 0.0));
  for (std::size_t i = 0; i < 30; ++i)
    for (std::size_t k = problem.rows.row_start[i]; k < problem.rows.row_start[i + 1]; ++k)
      x[i][problem.rows.columns[k]] = problem.rows.values[k];
  std::vector<double> mu(10, 0.0);
  double ybar = 0;
  for (std::size_t i = 0; i < 30; ++i) {
    ybar += y[i] / 30;
    for (std::size_t f = 0; f < 10; ++f) mu[f] += x[i][f] / 30;
  }
  for (std::size_t f = 0; f < 10; ++f) {
    double lhs = options.alpha * model.coef()[f], rhs = 0;
    for (std::size_t i = 0; i < 30; ++i) {
      double xcw = 0;
      for (std::size_t g = 0; g < 10; ++g) xcw += (x[i][g] - mu[g]) * model.coef()[g];
      lhs += (x[i][f] - mu[f]) * xcw;
      rhs += (x[i][f] - mu[f]) * (y[i] - ybar);
    }
    EXPECT_NEAR(lhs, rhs, 1e-9);
  }
  const std::vector<double> predicted = model.predict(problem.rows);
  double mean_residual = 0;
  for (std::size_t i = 0; i < 30; ++i) mean_residual += (y[i] - predicted[i]) / 30;
  EXPECT_NEAR(mean_residual, 0.0, 1e-12);
}

TEST(TextClassifier, FitTakesItsTasksLabelsOnly) {
  TextClassifier ratings{{}, TfidfVectorizer(), RidgeRegression()};
  EXPECT_THROW(ratings.fit({"a b", "c d"}, std::vector<int>{0, 1}), Error);
  TextClassifier topics{{"x", "y"}, TfidfVectorizer(), OneVsRestLogisticRegression()};
  EXPECT_THROW(topics.fit({"a b", "c d"}, std::vector<double>{0, 1}), Error);
}

}  // namespace
}  // namespace textclass::linear
