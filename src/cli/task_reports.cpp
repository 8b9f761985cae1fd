#include "cli/task_reports.hpp"

#include <algorithm>

#include <fmt/core.h>

#include "cli/task_options.hpp"
#include "textclass/data/batcher.hpp"
#include "textclass/train/predictor.hpp"

namespace textclass::cli {

void print_multilabel_metrics(const report::MultiLabelMetrics& metrics, int digits) {
  if (metrics.loss) fmt::print("loss             {:.4f}\n", *metrics.loss);
  fmt::print("subset accuracy  {:.4f}\nhamming loss     {:.4f}\n\n{}", metrics.subset_accuracy, metrics.hamming_loss,
             report::multilabel_classification_report(metrics, digits));
}

void print_regression_metrics(const report::RegressionMetrics& metrics, int digits) {
  if (metrics.loss) fmt::print("loss      {:.4f}\n", *metrics.loss);
  fmt::print("{}", report::regression_report(metrics, std::max(digits, 4)));
}

train::ComputeMetrics task_compute_metrics(model::ProblemType task, std::vector<std::string> class_names,
                                           float threshold) {
  using Metrics = std::vector<std::pair<std::string, double>>;
  if (task == model::ProblemType::multi_label_classification) {
    return [class_names, threshold](const train::Predictions& predictions, const data::TokenRows& rows) {
      if (rows.targets.empty()) return Metrics{};
      std::vector<std::vector<int>> truth(rows.size());  // the 0/1 targets as each row's classes
      for (std::size_t row = 0; row < rows.size(); ++row) {
        for (std::size_t c = 0; c < rows.target_width; ++c)
          if (rows.targets[row * rows.target_width + c] > 0.5f) truth[row].push_back(static_cast<int>(c));
      }
      const report::MultiLabelMetrics m =
          report::compute_multilabel_metrics(truth, classes_above(predictions.probs, threshold), class_names);
      return Metrics{{"subset_accuracy", m.subset_accuracy}, {"hamming_loss", m.hamming_loss},
                     {"f1_micro", m.micro.f1},  {"f1_macro", m.macro.f1},
                     {"f1_weighted", m.weighted.f1}, {"f1_samples", m.samples.f1}};
    };
  }
  if (task == model::ProblemType::regression) {
    return [](const train::Predictions& predictions, const data::TokenRows& rows) {
      if (rows.targets.empty()) return Metrics{};
      std::vector<double> predicted;
      for (const std::vector<float>& logits : predictions.logits) predicted.push_back(logits[0]);
      const report::RegressionMetrics m =
          report::compute_regression_metrics(std::vector<double>(rows.targets.begin(), rows.targets.end()), predicted);
      return Metrics{{"mse", m.mse}, {"mae", m.mae}, {"r2", m.r2}, {"pearson", m.pearson}, {"spearman", m.spearman}};
    };
  }
  return [class_names](const train::Predictions& predictions, const data::TokenRows& rows) {
    if (rows.labels.empty()) return Metrics{};  // unlabelled rows: eval_loss alone, as before
    const report::Metrics m = report::compute_metrics(rows.labels, predictions.label_ids, class_names);
    return Metrics{{"f1_macro", m.macro_f1}, {"f1_weighted", m.weighted_f1}};
  };
}

}  // namespace textclass::cli
