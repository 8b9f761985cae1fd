#pragma once
// Where a training run stands, saved in every checkpoint as trainer_state.json (HF's file name;
// global_step, epoch and log_history as HF writes them, plus what an exact resume needs).
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "textclass/train/best_model.hpp"

namespace textclass::train {

struct TrainerState {
  long global_step = 0;             // optimizer steps taken
  long epoch = 0;                   // the epoch in progress, from 0
  std::size_t batch_in_epoch = 0;   // its batches already trained on
  std::size_t batches_per_epoch = 0;
  double loss_since_log = 0.0;      // sum of the step losses since the last log row
  long steps_since_log = 0;
  std::vector<nlohmann::ordered_json> log_history;  // every row of log.jsonl so far
  BestModelState best;                 // HF's best_metric, best_global_step and the early-stopping count
  std::string best_model_checkpoint;   // HF's: the folder of the best checkpoint, if one was saved
  // The data order depends on these; a resume with other values would not continue the same run.
  std::size_t batch_size = 0;
  long gradient_accumulation = 0;
  std::uint64_t seed = 0;
  bool shuffle = true;

  // Epochs done, fractional: HF's state.epoch.
  double epoch_progress() const {
    return static_cast<double>(epoch) + static_cast<double>(batch_in_epoch) / static_cast<double>(batches_per_epoch);
  }
};

void write_trainer_state(const TrainerState& state, const std::filesystem::path& file);
// Throws Error naming the file when it is missing or not a trainer state.
TrainerState read_trainer_state(const std::filesystem::path& file);

}  // namespace textclass::train
