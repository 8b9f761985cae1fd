#pragma once
// One run folder as `textclass compare` sees it: its metrics.json (of any task: its
// "problem_type", none for one class per row) and, when training wrote one, its log.jsonl
// (training rows {"step","epoch","loss",...}, evaluation rows {"step","epoch","eval_loss", the
// task's metrics: "eval_accuracy", "eval_f1_micro", "eval_r2", ...}).
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "textclass/report/metrics.hpp"
#include "textclass/report/task_metrics.hpp"

namespace textclass::report {

struct TrainingStep {
  long step;
  double epoch, loss;
};

struct Evaluation {
  long step;
  double epoch, loss;
  std::optional<double> score;  // the task's headline metric (score_name), where the row has it
};

// The task of a run, from metrics.json's "problem_type" (none: single-label); report/ does not use
// model/, so this names transformers' problem types itself.
enum class Task { single_label, multi_label, regression };

// The evaluation rows' headline metric of each task, as log.jsonl names it without "eval_":
// accuracy, f1_micro, r2.
const char* score_name(Task task);

struct TrainingLog {
  std::vector<TrainingStep> steps;
  std::vector<Evaluation> evaluations;
};

struct ComparedRun {
  std::string name;         // how tables and charts label the run: the folder's name
  std::string model, data;  // metrics.json's "model" and "data"
  Task task = Task::single_label;
  Metrics metrics;                              // single-label
  std::optional<MultiLabelMetrics> multilabel;  // multi-label
  std::optional<RegressionMetrics> regression;  // regression
  std::optional<TrainingLog> log;
};

// Reads the run folders in order. Runs are named after their folders (the whole path when two
// folders share a name). Throws textclass::Error, one line, for a folder without metrics.json, a
// malformed file (path:line for log.jsonl), or runs whose tasks or class names differ.
std::vector<ComparedRun> load_compared_runs(const std::vector<std::filesystem::path>& folders);

}  // namespace textclass::report
