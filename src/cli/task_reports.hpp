#pragma once
// What `evaluate` and `baseline evaluate` print for the tasks beyond one class per row, so that a
// model and its baseline read the same: the loss and the task's metrics, then (multi-label)
// scikit-learn's classification report.
#include <string>
#include <vector>

#include "textclass/model/problem_type.hpp"
#include "textclass/report/task_metrics.hpp"
#include "textclass/train/trainer_options.hpp"

namespace textclass::cli {

// loss (where set), subset accuracy, hamming loss, then the report with `digits` decimals.
void print_multilabel_metrics(const report::MultiLabelMetrics& metrics, int digits);

// loss (where set), then mse, mae, r2, pearson, spearman with at least 4 decimals.
void print_regression_metrics(const report::RegressionMetrics& metrics, int digits);

// The Trainer's compute_metrics for a task (the evaluation row's keys, less "eval_"):
//   single-label  f1_macro, f1_weighted (accuracy is the Trainer's own)
//   multi-label   subset_accuracy, hamming_loss, f1_micro, f1_macro, f1_weighted, f1_samples, with
//                 the classes whose probability is above `threshold`
//   regression    mse, mae, r2, pearson, spearman
// as report/ computes them for evaluate, so a validation row reads as evaluate's metrics.json.
train::ComputeMetrics task_compute_metrics(model::ProblemType task, std::vector<std::string> class_names,
                                           float threshold);

}  // namespace textclass::cli
