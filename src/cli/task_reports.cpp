#include "cli/task_reports.hpp"

#include <algorithm>

#include <fmt/core.h>

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

}  // namespace textclass::cli
