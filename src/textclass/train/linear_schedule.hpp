#pragma once
// HF get_linear_schedule_with_warmup: the learning rate rises linearly from 0 to its peak over
// the warmup steps, then falls linearly to 0 at the last step.
namespace textclass::train {

class LinearSchedule {
 public:
  LinearSchedule(double peak_lr, long warmup_steps, long total_steps)
      : peak_lr_(peak_lr), warmup_steps_(warmup_steps), total_steps_(total_steps) {}

  // The learning rate of optimizer step `step`, counted from 0. The Trainer calls
  // scheduler.step() after optimizer.step(), so step s runs with the multiplier for s: the first
  // step uses the full rate without warmup, and 0 with it.
  double lr(long step) const;

 private:
  double peak_lr_;
  long warmup_steps_;
  long total_steps_;
};

}  // namespace textclass::train
