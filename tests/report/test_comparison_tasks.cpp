// `compare` for the tasks beyond one class per row: multi-label runs side by side (subset
// accuracy, hamming loss, each average's F1, F1 by class with differences), regression runs (MSE,
// MAE, R², the correlations, n/a where one is undefined), evaluation rows read by the task's
// headline metric, and runs of different tasks refused in one line. Expected numbers by hand.
#include <gtest/gtest.h>

#include "report_test_support.hpp"
#include "textclass/report/comparison_markdown.hpp"
#include "textclass/report/comparison_run.hpp"
#include "textclass/report/html_comparison.hpp"
#include "textclass/report/task_metrics.hpp"

namespace textclass::report {
namespace {

using testing::error_message;
using testing::ScratchDir;

std::filesystem::path multilabel_run(const ScratchDir& dir, const std::string& name,
                                     const std::vector<std::vector<int>>& predicted) {
  std::filesystem::create_directories(dir.path() / name);
  MultiLabelMetrics metrics = compute_multilabel_metrics({{0}, {0, 1}}, predicted, {"a", "b"});
  metrics.loss = 0.25;
  dir.write(name + "/metrics.json", multilabel_metrics_to_json(metrics, "m", "d").dump());
  return dir.path() / name;
}

std::filesystem::path regression_run(const ScratchDir& dir, const std::string& name, const std::vector<double>& predicted) {
  std::filesystem::create_directories(dir.path() / name);
  dir.write(name + "/metrics.json",
            regression_metrics_to_json(compute_regression_metrics({1, 2, 3, 4}, predicted), "m", "d").dump());
  return dir.path() / name;
}

void expect_line(const std::string& text, const std::string& line) {
  EXPECT_NE(text.find(line + "\n"), std::string::npos) << "no line " << line << " in\n" << text;
}

TEST(CompareTasks, MultiLabelRunsSideBySide) {
  ScratchDir dir;
  // truth {a}, {a, b}; "half" predicts {a}, {a}: one row of two exact, one label of four wrong,
  // micro precision 2/2, recall 2/3, F1 0.8; class b never predicted: F1 0
  const auto half = multilabel_run(dir, "half", {{0}, {0}});
  const auto exact = multilabel_run(dir, "exact", {{0}, {0, 1}});
  dir.write("half/log.jsonl",
            "{\"step\": 1, \"epoch\": 0.5, \"loss\": 0.7}\n"
            "{\"step\": 2, \"epoch\": 1.0, \"eval_loss\": 0.6, \"eval_f1_micro\": 0.8, \"eval_subset_accuracy\": 0.5}\n");
  const auto runs = load_compared_runs({half, exact});
  ASSERT_EQ(runs[0].task, Task::multi_label);
  ASSERT_TRUE(runs[0].log);
  ASSERT_EQ(runs[0].log->evaluations.size(), 1u);
  EXPECT_DOUBLE_EQ(*runs[0].log->evaluations[0].score, 0.8);

  const std::string markdown = comparison_markdown(runs);
  expect_line(markdown, "| rows | 2 | 2 |");
  expect_line(markdown, "| subset accuracy | 0.5000 | 1.0000 |");
  expect_line(markdown, "| hamming loss | 0.2500 | 0.0000 |");
  expect_line(markdown, "| micro F1 | 0.8000 | 1.0000 |");
  expect_line(markdown, "| macro F1 | 0.5000 | 1.0000 |");
  expect_line(markdown, "| loss | 0.2500 | 0.2500 |");
  expect_line(markdown, "| b | 0.0000 | 1.0000 | +1.0000 |");
  expect_line(markdown, "| samples avg | 0.8333 | 1.0000 | +0.1667 |");
  expect_line(markdown, "| micro avg | 1.0000 | 0.6667 | 0.8000 | 3 |");  // half's classification table
  expect_line(markdown, "| step | epoch | training loss | eval loss | eval f1_micro |");
  expect_line(markdown, "| 2 | 1.00 | 0.7000 | 0.6000 | 0.8000 |");
  EXPECT_EQ(markdown.find("Confusion matrix"), std::string::npos);

  const std::string html = comparison_html(runs);
  EXPECT_NE(html.find("F1 score per class"), std::string::npos);
  EXPECT_NE(html.find("samples avg"), std::string::npos);
  EXPECT_NE(html.find("Evaluation f1_micro"), std::string::npos);
  EXPECT_EQ(html.find("Confusion matrix"), std::string::npos);
}

TEST(CompareTasks, RegressionRunsSideBySide) {
  ScratchDir dir;
  // truth 1..4; "close" is off by one on the last row: MSE 1/4, MAE 1/4, R² 1 - 1/5; "flat"
  // predicts a constant, whose correlations are undefined; Pearson 6.5 / sqrt(5 * 8.75)
  const auto close = regression_run(dir, "close", {1, 2, 3, 5});
  const auto flat = regression_run(dir, "flat", {2.5, 2.5, 2.5, 2.5});
  const auto runs = load_compared_runs({close, flat});
  const std::string markdown = comparison_markdown(runs);
  expect_line(markdown, "| MSE | 0.2500 | 1.2500 |");
  expect_line(markdown, "| MAE | 0.2500 | 1.0000 |");
  expect_line(markdown, "| R² | 0.8000 | 0.0000 |");
  expect_line(markdown, "| Pearson | 0.9827 | n/a |");
  expect_line(markdown, "| Spearman | 1.0000 | n/a |");
  expect_line(markdown, "| loss | n/a | n/a |");
  EXPECT_EQ(markdown.find("F1"), std::string::npos);

  const std::string html = comparison_html(runs);
  EXPECT_NE(html.find(R"(<tr><th>R²</th><td class="num best">0.8000</td><td class="num">0.0000</td></tr>)"),
            std::string::npos);
  EXPECT_NE(html.find(R"(<tr><th>Pearson</th><td class="num best">0.9827</td><td class="num">n/a</td></tr>)"),
            std::string::npos);
  EXPECT_EQ(html.find("F1 score per class"), std::string::npos);
}

TEST(CompareTasks, RunsOfDifferentTasksAreAOneLineError) {
  ScratchDir dir;
  const auto topics = multilabel_run(dir, "topics", {{0}, {0}});
  const auto ratings = regression_run(dir, "ratings", {1, 2, 3, 4});
  EXPECT_EQ(error_message([&] { load_compared_runs({topics, ratings}); }),
            ratings.string() + " is the evaluation of a regression model but " + topics.string() +
                " of a multi_label_classification model: runs must share their task");
  dir.write("ratings/metrics.json", R"({"problem_type": "regression", "mse": 1})");
  EXPECT_EQ(error_message([&] { load_compared_runs({ratings}); }).rfind((ratings / "metrics.json").string() + ": metrics: ", 0),
            0u);
}

}  // namespace
}  // namespace textclass::report
