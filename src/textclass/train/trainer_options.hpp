#pragma once
// Every option of train::Trainer with its default: the notebook's Trainer recipe (2 epochs, batch
// 16, lr 5e-5 decaying linearly to 0 without warmup, weight decay 0.01, clipping at 1.0, seed
// 1122, evaluation and a checkpoint at the end of every epoch). The CLI's help prints these.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "textclass/train/best_model.hpp"

namespace textclass::data {
struct TokenRows;
}

namespace textclass::train {

struct Predictions;

// HF's compute_metrics: an evaluation's metrics from the predictions of the validation rows, each
// named without the "eval_" that the Trainer puts before it in the evaluation row.
using ComputeMetrics =
    std::function<std::vector<std::pair<std::string, double>>(const Predictions&, const data::TokenRows&)>;

struct TrainerOptions {
  long epochs = 2;
  long max_steps = 0;  // > 0: train for exactly this many optimizer steps instead of `epochs`
  std::size_t batch_size = 16;
  std::size_t eval_batch_size = 32;
  double learning_rate = 5e-5;
  double weight_decay = 0.01;
  long warmup_steps = 0;
  double warmup_ratio = 0.0;  // used when warmup_steps is 0: ceil(ratio x total steps), as HF
  long gradient_accumulation = 1;  // batches per optimizer step
  double max_grad_norm = 1.0;      // 0 disables clipping
  std::uint64_t seed = 1122;       // shuffling, dropout and the new classifier's initialisation
  bool shuffle = true;             // false: batches in the data's row order every epoch
  bool group_by_length = false;    // batches of similar lengths (less padding); only with shuffle
  // A log row every this many steps; 0: HF's 500, or often enough for kMinLogRows rows in a shorter
  // run (every total_steps / 50 steps), so that every run's log draws a curve.
  long logging_steps = 0;
  long eval_steps = 0;             // 0: evaluate at the end of every epoch
  long save_steps = 0;             // 0: checkpoint at the end of every epoch
  long save_total_limit = 0;       // > 0: keep only the newest checkpoints (and the best one), as HF
  // HF's load_best_model_at_end: the weights of the checkpoint whose evaluation was best under
  // best_model (its metric) become the final model. best_model.patience > 0 stops training early
  // (HF's EarlyStoppingCallback) and implies it. Checkpoints are then saved at every evaluation.
  bool load_best_model_at_end = false;
  BestModelOptions best_model;
  // The task's metrics in every evaluation row beside eval_loss (and eval_accuracy, which
  // single-label rows always have), so that best_model.metric can name them; empty: none.
  ComputeMetrics compute_metrics;
  std::filesystem::path output_dir = "output";
  std::filesystem::path tokenizer_dir;  // the tokenizer files copied into checkpoints and the final model
  // Polled after every step; returning true saves a checkpoint and ends train() early (the CLI
  // sets it on SIGINT/SIGTERM, tests to interrupt a run at a chosen step).
  std::function<bool(long step)> stop_requested;
};

}  // namespace textclass::train
