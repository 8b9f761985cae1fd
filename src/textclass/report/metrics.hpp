#pragma once
// Classification metrics as scikit-learn computes them (precision_recall_fscore_support with
// zero_division=0, the value its default "warn" also gives), the text of its
// classification_report, a confusion-matrix table, and the metrics.json object every run folder
// holds.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace textclass::report {

struct ClassMetrics {
  std::string name;
  double precision, recall, f1;
  long support;  // rows whose true class this is
};

struct Metrics {
  std::vector<std::string> class_names;
  std::vector<ClassMetrics> per_class;
  double accuracy, macro_precision, macro_recall, macro_f1, weighted_precision, weighted_recall, weighted_f1;
  long total;
  std::vector<std::vector<long>> confusion;  // [true class][predicted class]
  std::optional<double> loss;                // mean cross-entropy, where the model defines one
};

// Metrics of predictions `y_pred` against `y_true` (class indices into `class_names`).
// Throws textclass::Error when there are no rows, the lengths differ or an index is out of range.
Metrics compute_metrics(const std::vector<int>& y_true, const std::vector<int>& y_pred,
                        const std::vector<std::string>& class_names);

// scikit-learn 1.2.1's classification_report text, byte for byte, with `digits` decimals.
std::string classification_report(const Metrics& metrics, int digits = 2);

// The confusion matrix as an aligned table: one row per true class, one column per prediction.
std::string confusion_matrix_text(const Metrics& metrics);

// The metrics.json object: {"model", "data", "accuracy", "macro_f1", "weighted_f1", "loss" (when
// set), "class_names", "per_class": [{"name", "precision", "recall", "f1", "support"}],
// "confusion", "report"}.
nlohmann::json metrics_to_json(const Metrics& metrics, const std::string& model, const std::string& data);

// Reads that object back; the averages not stored are recomputed from "per_class" as
// compute_metrics does. Throws textclass::Error naming the first missing or malformed field.
Metrics metrics_from_json(const nlohmann::json& json);

}  // namespace textclass::report
