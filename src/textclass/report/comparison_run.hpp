#pragma once
// One run folder as `textclass compare` sees it: its metrics.json and, when training wrote one,
// its log.jsonl (training rows {"step","epoch","loss",...}, evaluation rows {"step","epoch",
// "eval_loss","eval_accuracy"}).
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "textclass/report/metrics.hpp"

namespace textclass::report {

struct TrainingStep {
  long step;
  double epoch, loss;
};

struct Evaluation {
  long step;
  double epoch, loss, accuracy;
};

struct TrainingLog {
  std::vector<TrainingStep> steps;
  std::vector<Evaluation> evaluations;
};

struct ComparedRun {
  std::string name;         // how tables and charts label the run: the folder's name
  std::string model, data;  // metrics.json's "model" and "data"
  Metrics metrics;
  std::optional<TrainingLog> log;
};

// Reads the run folders in order. Runs are named after their folders (the whole path when two
// folders share a name). Throws textclass::Error, one line, for a folder without metrics.json, a
// malformed file (path:line for log.jsonl), or runs whose class names differ.
std::vector<ComparedRun> load_compared_runs(const std::vector<std::filesystem::path>& folders);

}  // namespace textclass::report
