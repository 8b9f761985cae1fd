#pragma once
// What `evaluate` and `baseline evaluate` print for the tasks beyond one class per row, so that a
// model and its baseline read the same: the loss and the task's metrics, then (multi-label)
// scikit-learn's classification report.
#include "textclass/report/task_metrics.hpp"

namespace textclass::cli {

// loss (where set), subset accuracy, hamming loss, then the report with `digits` decimals.
void print_multilabel_metrics(const report::MultiLabelMetrics& metrics, int digits);

// loss (where set), then mse, mae, r2, pearson, spearman with at least 4 decimals.
void print_regression_metrics(const report::RegressionMetrics& metrics, int digits);

}  // namespace textclass::cli
