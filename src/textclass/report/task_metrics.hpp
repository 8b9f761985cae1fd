#pragma once
// Metrics of the tasks beyond one label per text, as scikit-learn 1.2 (and scipy) compute them:
// multi-label (indicator matrices: its classification_report with micro, macro, weighted and
// samples averages, zero_division=0; subset accuracy; hamming loss) and regression (MSE, MAE, R²,
// Pearson's and Spearman's correlations).
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "textclass/report/metrics.hpp"

namespace textclass::report {

struct MultiLabelMetrics {
  std::vector<std::string> class_names;
  std::vector<ClassMetrics> per_class;
  // The averages as classification_report's rows: name "micro avg", ..., support the sum of the
  // classes' (every true label once).
  ClassMetrics micro, macro, weighted, samples;
  double subset_accuracy, hamming_loss;
  long rows;
  std::optional<double> loss;  // the model's mean BCE, where it defines one
};

// y_true and y_pred: rows of class indices (a row's classes; none is allowed). Throws
// textclass::Error when there are no rows, the counts differ or an index is out of range.
MultiLabelMetrics compute_multilabel_metrics(const std::vector<std::vector<int>>& y_true,
                                             const std::vector<std::vector<int>>& y_pred,
                                             const std::vector<std::string>& class_names);

// classification_report's text for multilabel indicators, byte for byte, with `digits` decimals.
std::string multilabel_classification_report(const MultiLabelMetrics& metrics, int digits = 2);

struct RegressionMetrics {
  double mse, mae, r2, pearson, spearman;  // the correlations are NaN where one side is constant
  long rows;
  std::optional<double> loss;  // the model's mean MSE loss
};

// Throws textclass::Error when there are no rows or the counts differ.
RegressionMetrics compute_regression_metrics(const std::vector<double>& y_true, const std::vector<double>& y_pred);

// The text evaluate prints: one "name  value" line per metric.
std::string regression_report(const RegressionMetrics& metrics, int digits = 4);

// The metrics.json objects: {"model", "data", "problem_type", the metrics, "report" (multi-label)};
// NaN correlations are null.
nlohmann::json multilabel_metrics_to_json(const MultiLabelMetrics& metrics, const std::string& model,
                                          const std::string& data);
nlohmann::json regression_metrics_to_json(const RegressionMetrics& metrics, const std::string& model,
                                          const std::string& data);

// The metrics back from those objects (compare reads them); null correlations are NaN. Throws
// textclass::Error("metrics: problem") for a missing or malformed field.
MultiLabelMetrics multilabel_metrics_from_json(const nlohmann::json& metrics);
RegressionMetrics regression_metrics_from_json(const nlohmann::json& metrics);

}  // namespace textclass::report
