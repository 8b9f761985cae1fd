// compute_metrics and classification_report against scikit-learn 1.2.1's own output for the five
// cases of tests/fixtures/sklearn/cases.json (see make_reports.py beside it).
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "textclass/error.hpp"
#include "textclass/report/metrics.hpp"

namespace textclass::report {
namespace {

nlohmann::json load_cases() {
  std::ifstream in(std::string(TEXTCLASS_SOURCE_DIR) + "/tests/fixtures/sklearn/cases.json");
  const nlohmann::json fixture = nlohmann::json::parse(in);
  EXPECT_EQ(fixture["sklearn"], "1.2.1");
  EXPECT_EQ(fixture["cases"].size(), 5u);
  return fixture["cases"];
}

Metrics metrics_of(const nlohmann::json& sklearn_case) {
  return compute_metrics(sklearn_case["y_true"].get<std::vector<int>>(), sklearn_case["y_pred"].get<std::vector<int>>(),
                         sklearn_case["target_names"].get<std::vector<std::string>>());
}

// Sums in a different order than numpy may differ in the last bits.
constexpr double kTolerance = 1e-12;

TEST(ClassificationReport, TextIsSklearnsByteForByte) {
  for (const auto& sklearn_case : load_cases()) {
    SCOPED_TRACE(sklearn_case["name"].get<std::string>());
    EXPECT_EQ(classification_report(metrics_of(sklearn_case), sklearn_case["digits"].get<int>()),
              sklearn_case["text"].get<std::string>());
  }
}

TEST(ClassificationReport, ScoresEqualSklearnsDict) {
  for (const auto& sklearn_case : load_cases()) {
    SCOPED_TRACE(sklearn_case["name"].get<std::string>());
    const Metrics metrics = metrics_of(sklearn_case);
    const nlohmann::json& expected = sklearn_case["dict"];
    ASSERT_EQ(metrics.per_class.size(), sklearn_case["target_names"].size());
    for (const ClassMetrics& c : metrics.per_class) {
      SCOPED_TRACE(c.name);
      EXPECT_NEAR(c.precision, expected[c.name]["precision"].get<double>(), kTolerance);
      EXPECT_NEAR(c.recall, expected[c.name]["recall"].get<double>(), kTolerance);
      EXPECT_NEAR(c.f1, expected[c.name]["f1-score"].get<double>(), kTolerance);
      EXPECT_EQ(c.support, expected[c.name]["support"].get<long>());
    }
    EXPECT_NEAR(metrics.accuracy, expected["accuracy"].get<double>(), kTolerance);
    EXPECT_NEAR(metrics.macro_precision, expected["macro avg"]["precision"].get<double>(), kTolerance);
    EXPECT_NEAR(metrics.macro_recall, expected["macro avg"]["recall"].get<double>(), kTolerance);
    EXPECT_NEAR(metrics.macro_f1, expected["macro avg"]["f1-score"].get<double>(), kTolerance);
    EXPECT_NEAR(metrics.weighted_precision, expected["weighted avg"]["precision"].get<double>(), kTolerance);
    EXPECT_NEAR(metrics.weighted_recall, expected["weighted avg"]["recall"].get<double>(), kTolerance);
    EXPECT_NEAR(metrics.weighted_f1, expected["weighted avg"]["f1-score"].get<double>(), kTolerance);
    EXPECT_EQ(metrics.total, expected["macro avg"]["support"].get<long>());
  }
}

TEST(ClassificationReport, ConfusionCountsRowsByTrueClass) {
  const Metrics metrics = compute_metrics({0, 0, 1, 2, 2, 2}, {0, 1, 1, 2, 0, 2}, {"a", "b", "c"});
  const std::vector<std::vector<long>> expected = {{1, 1, 0}, {0, 1, 0}, {1, 0, 2}};
  EXPECT_EQ(metrics.confusion, expected);
  EXPECT_DOUBLE_EQ(metrics.accuracy, 4.0 / 6.0);
  EXPECT_FALSE(metrics.loss.has_value());
}

// sklearn stops calling the micro average "accuracy" when a label occurs in neither y_true nor
// y_pred, and prints the full micro-average row (each score equals accuracy for single-label data).
TEST(ClassificationReport, ClassSeenNowhereGivesMicroAverageRow) {
  const Metrics metrics = compute_metrics({0, 0, 1, 1}, {0, 1, 1, 1}, {"a", "b", "c"});
  const std::string report = classification_report(metrics);
  EXPECT_EQ(report.find("accuracy"), std::string::npos) << report;
  EXPECT_NE(report.find("   micro avg       0.75      0.75      0.75         4\n"), std::string::npos) << report;
}

TEST(ClassificationReport, LongAndNonAsciiNamesWidenTheNameColumn) {
  const Metrics metrics = compute_metrics({0, 1}, {0, 1}, {"Wissenschaft/Technik", "Größe"});
  const std::string report = classification_report(metrics);
  // "{:>20s} " (the longest name is 20) then " {:>9}" per column; "Größe" pads by code points.
  EXPECT_EQ(report.substr(0, report.find('\n')), std::string(20 + 1 + 1, ' ') + "precision    recall  f1-score   support");
  EXPECT_NE(report.find("\n               Größe       1.00"), std::string::npos) << report;
}

TEST(ClassificationReport, RejectsMismatchedOrOutOfRangeLabels) {
  EXPECT_THROW(compute_metrics({}, {}, {"a"}), Error);
  EXPECT_THROW(compute_metrics({0, 1}, {0}, {"a", "b"}), Error);
  EXPECT_THROW(compute_metrics({0, 2}, {0, 1}, {"a", "b"}), Error);
  EXPECT_THROW(compute_metrics({0, 1}, {0, -1}, {"a", "b"}), Error);
}

}  // namespace
}  // namespace textclass::report
