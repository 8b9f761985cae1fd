#pragma once
// One optimizer step of the Trainer's recipe, shared by train::Trainer and bench/throughput (which
// times exactly this): zero the gradients; for each of the step's batches (gradient accumulation)
// a training forward and backward with that batch's dropout seed (gradients add up) and a check
// that the loss is finite; then the global norm of the mean gradient |Σ g| / k, the clip factor
// c = min(1, max_norm / (norm + 1e-6)), and AdamW on the gradients times c / k.
#include <cstdint>
#include <vector>

#include "textclass/model/bert.hpp"
#include "textclass/train/adamw.hpp"
#include "textclass/train/parameter_groups.hpp"

namespace textclass::train {

class TrainingStep {
 public:
  // AdamW over the Trainer's weight-decay groups (parameter_groups).
  TrainingStep(model::Bert& bert, double weight_decay, double max_grad_norm);

  // Starts step `step` (counted from 1, as errors name it): zeroes the gradients.
  void start(long step);
  // Forward and backward of one batch; returns its mean loss. Throws Error when it is not finite.
  double add_batch(const model::Inputs& batch, std::uint64_t dropout_seed);
  // Clips and updates the weights with learning rate lr; returns the gradient norm before clipping.
  // Throws Error when it is not finite.
  double apply(double lr);

  AdamW& optimizer() { return optimizer_; }
  // Its activations, which an evaluation between steps may run in (train::Predictor).
  model::Activations& activations() { return acts_; }

 private:
  model::Bert& bert_;
  double max_grad_norm_;
  std::vector<ParameterSpan> spans_;
  AdamW optimizer_;
  model::Activations acts_;
  long step_ = 0;
  int batches_ = 0;  // added since start()
};

}  // namespace textclass::train
