#pragma once
// The HuggingFace Trainer's training loop for a model::Bert: batches from data::Batcher, AdamW
// with the Trainer's weight-decay groups, a linear schedule, clipping by the global gradient norm,
// gradient accumulation, evaluation on the validation rows, log rows, checkpoints and an exact
// resume. One step (train::TrainingStep) takes k batches (gradient_accumulation, fewer at an
// epoch's end) and AdamW's lr(step).
// Everything random is a function of the seed and the position in the data (the epoch's
// permutation, each batch's dropout), so a run resumed from a checkpoint ends with the same
// weights, bit for bit, as one never interrupted.
#include <cstdint>
#include <filesystem>
#include <optional>

#include <nlohmann/json.hpp>

#include "textclass/data/batcher.hpp"
#include "textclass/model/bert.hpp"
#include "textclass/train/best_model.hpp"
#include "textclass/train/linear_schedule.hpp"
#include "textclass/train/predictor.hpp"
#include "textclass/train/trainer_options.hpp"
#include "textclass/train/trainer_state.hpp"
#include "textclass/train/training_log.hpp"
#include "textclass/train/training_step.hpp"

namespace textclass::train {

class Trainer {
 public:
  // `train` and `validation` (which may be empty: no evaluation) must outlive the Trainer.
  // pad_id is the tokenizer's.
  Trainer(model::Bert& bert, const data::TokenRows& train, const data::TokenRows& validation,
          TrainerOptions options, std::int32_t pad_id);

  // Continues from a checkpoint folder whose weights `bert` was loaded from: restores the
  // optimizer and the position in the data. Throws Error when the checkpoint was made with
  // another batch size, gradient accumulation or seed.
  void resume_from(const std::filesystem::path& checkpoint);

  // Trains to the last step (or until early stopping says so), then saves the final model into
  // the output folder (the best checkpoint's weights with load_best_model_at_end); returns true.
  // Returns false, with a checkpoint saved, when options.stop_requested said so. A NaN or
  // infinite loss or gradient norm throws Error naming the step.
  bool train();

  long total_steps() const { return total_steps_; }
  long logging_steps() const { return logging_steps_; }
  const TrainerState& state() const { return state_; }

 private:
  // One optimizer step over the next batches; returns the mean loss of its batches.
  double run_step();
  void log(const nlohmann::ordered_json& row);
  void evaluate();
  void checkpoint();
  void load_best_model();

  model::Bert& bert_;
  const data::TokenRows& validation_;
  TrainerOptions options_;
  data::Batcher batcher_;
  TrainingStep step_;
  Predictor predictor_;
  long total_steps_;
  long logging_steps_;
  LinearSchedule schedule_;
  BestModel best_;
  TrainerState state_;
  double last_grad_norm_ = 0.0;
  std::optional<TrainingLog> log_;   // opened by train(), after a resume has read its history
  long saved_step_ = -1;             // the step of the last checkpoint written
};

}  // namespace textclass::train
