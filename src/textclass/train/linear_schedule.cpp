#include "textclass/train/linear_schedule.hpp"

#include <algorithm>

namespace textclass::train {

double LinearSchedule::lr(long step) const {
  // HF's lr_lambda, max(1, ...) guards included
  if (step < warmup_steps_) return peak_lr_ * static_cast<double>(step) / static_cast<double>(std::max(1L, warmup_steps_));
  double remaining = static_cast<double>(total_steps_ - step) / static_cast<double>(std::max(1L, total_steps_ - warmup_steps_));
  return peak_lr_ * std::max(0.0, remaining);
}

}  // namespace textclass::train
