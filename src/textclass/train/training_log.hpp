#pragma once
// <output>/log.jsonl: one JSON object per line, flushed as written so that a run can be followed
// while it trains. Training rows {"step","epoch","loss","learning_rate","grad_norm"}; evaluation
// rows {"step","epoch","eval_loss", the task's metrics: "eval_accuracy", "eval_f1_micro", "eval_r2", ...}.
#include <filesystem>
#include <fstream>
#include <vector>

#include <nlohmann/json.hpp>

namespace textclass::train {

class TrainingLog {
 public:
  // Starts the file over with `history` (empty for a new run; a checkpoint's history on resume,
  // which drops the rows a killed run wrote after its last checkpoint).
  TrainingLog(const std::filesystem::path& file, const std::vector<nlohmann::ordered_json>& history);

  void append(const nlohmann::ordered_json& row);

 private:
  std::filesystem::path file_;
  std::ofstream out_;
};

}  // namespace textclass::train
