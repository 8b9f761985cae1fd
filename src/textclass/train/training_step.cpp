#include "textclass/train/training_step.hpp"

#include <cmath>

#include <fmt/core.h>

#include "textclass/error.hpp"
#include "textclass/train/gradient_clipping.hpp"

namespace textclass::train {

TrainingStep::TrainingStep(model::Bert& bert, double weight_decay, double max_grad_norm)
    : bert_(bert),
      max_grad_norm_(max_grad_norm),
      spans_(parameter_groups(bert.table(), weight_decay)),
      optimizer_(bert.backend(), bert.table().total_floats(), spans_),
      acts_(bert.backend()) {}

void TrainingStep::start(long step) {
  step_ = step;
  batches_ = 0;
  bert_.zero_grad();
}

double TrainingStep::add_batch(const model::Inputs& batch, std::uint64_t dropout_seed) {
  const double loss = bert_.forward_backward(acts_, batch, dropout_seed);
  // a loss that is not finite leaves NaN gradients, which apply() never reaches
  if (!std::isfinite(loss))
    throw Error(fmt::format("step {}: the loss is {}; training stopped (a lower --learning-rate may help)", step_,
                            loss));
  ++batches_;
  return loss;
}

double TrainingStep::apply(double lr) {
  const double k = static_cast<double>(batches_);
  const double norm = global_grad_norm(bert_.backend(), bert_.grads(), spans_) / k;
  if (!std::isfinite(norm))
    throw Error(fmt::format("step {}: the gradient norm is {}; training stopped (a lower --learning-rate may help)",
                            step_, norm));
  optimizer_.step(bert_.params(), bert_.grads(), lr, clip_factor(norm, max_grad_norm_) / static_cast<float>(k));
  return norm;
}

}  // namespace textclass::train
