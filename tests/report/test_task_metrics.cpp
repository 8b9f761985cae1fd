// Multi-label and regression metrics against scikit-learn 1.2 and scipy
// (tests/fixtures/sklearn/make_task_metrics.py): reports byte for byte, metrics within 1e-12.
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "textclass/error.hpp"
#include "textclass/report/task_metrics.hpp"

namespace textclass::report {
namespace {

const nlohmann::json& fixture() {
  static const nlohmann::json j = nlohmann::json::parse(
      std::ifstream(std::string(TEXTCLASS_SOURCE_DIR) + "/tests/fixtures/sklearn/task_metrics.json"));
  return j;
}

// indicator rows to class-index rows
std::vector<std::vector<int>> index_rows(const nlohmann::json& matrix) {
  std::vector<std::vector<int>> rows;
  for (const nlohmann::json& row : matrix) {
    rows.emplace_back();
    for (std::size_t c = 0; c < row.size(); ++c)
      if (row[c].get<int>() == 1) rows.back().push_back(static_cast<int>(c));
  }
  return rows;
}

void expect_scores(const ClassMetrics& got, const nlohmann::json& want, const std::string& what) {
  EXPECT_NEAR(got.precision, want["precision"].get<double>(), 1e-12) << what;
  EXPECT_NEAR(got.recall, want["recall"].get<double>(), 1e-12) << what;
  EXPECT_NEAR(got.f1, want["f1-score"].get<double>(), 1e-12) << what;
  EXPECT_EQ(got.support, want["support"].get<long>()) << what;
}

TEST(MultiLabelMetrics, EqualScikitLearn) {
  ASSERT_EQ(fixture()["multilabel"].size(), 3u);
  for (const nlohmann::json& c : fixture()["multilabel"]) {
    SCOPED_TRACE(c["name"].get<std::string>());
    const auto names = c["target_names"].get<std::vector<std::string>>();
    const MultiLabelMetrics m = compute_multilabel_metrics(index_rows(c["y_true"]), index_rows(c["y_pred"]), names);
    EXPECT_EQ(multilabel_classification_report(m, c["digits"].get<int>()), c["text"].get<std::string>());
    for (std::size_t k = 0; k < names.size(); ++k) expect_scores(m.per_class[k], c["dict"][names[k]], names[k]);
    expect_scores(m.micro, c["dict"]["micro avg"], "micro");
    expect_scores(m.macro, c["dict"]["macro avg"], "macro");
    expect_scores(m.weighted, c["dict"]["weighted avg"], "weighted");
    expect_scores(m.samples, c["dict"]["samples avg"], "samples");
    EXPECT_NEAR(m.subset_accuracy, c["subset_accuracy"].get<double>(), 1e-12);
    EXPECT_NEAR(m.hamming_loss, c["hamming_loss"].get<double>(), 1e-12);
  }
}

TEST(MultiLabelMetrics, RefusesBadInput) {
  EXPECT_THROW(compute_multilabel_metrics({}, {}, {"a"}), Error);
  EXPECT_THROW(compute_multilabel_metrics({{0}}, {{0}, {}}, {"a"}), Error);
  EXPECT_THROW(compute_multilabel_metrics({{1}}, {{0}}, {"a"}), Error);
}

TEST(RegressionMetrics, EqualScikitLearnAndScipy) {
  ASSERT_EQ(fixture()["regression"].size(), 3u);
  for (const nlohmann::json& c : fixture()["regression"]) {
    SCOPED_TRACE(c["name"].get<std::string>());
    const RegressionMetrics m =
        compute_regression_metrics(c["y_true"].get<std::vector<double>>(), c["y_pred"].get<std::vector<double>>());
    EXPECT_NEAR(m.mse, c["mse"].get<double>(), 1e-12);
    EXPECT_NEAR(m.mae, c["mae"].get<double>(), 1e-12);
    EXPECT_NEAR(m.r2, c["r2"].get<double>(), 1e-12);
    EXPECT_NEAR(m.pearson, c["pearson"].get<double>(), 1e-12);
    EXPECT_NEAR(m.spearman, c["spearman"].get<double>(), 1e-12);
  }
}

TEST(RegressionMetrics, ConstantTruthAsScikitLearn) {
  const RegressionMetrics perfect = compute_regression_metrics({2, 2, 2}, {2, 2, 2});
  EXPECT_EQ(perfect.r2, 1.0);
  EXPECT_TRUE(std::isnan(perfect.pearson));
  EXPECT_TRUE(regression_metrics_to_json(perfect, "m", "d")["pearson"].is_null());
  EXPECT_EQ(compute_regression_metrics({2, 2, 2}, {1, 2, 3}).r2, 0.0);
}

}  // namespace
}  // namespace textclass::report
