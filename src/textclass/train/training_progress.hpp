#pragma once
// Training progress on stderr. On a terminal, one line redrawn in place:
//   step 120/1000 [#####                ] epoch 0.24 loss 1.2345 3.1 it/s ETA 4:44
// with evaluation results printed above it. Elsewhere (a log file, a pipe) one plain line per
// logged row, so that logs carry no carriage-return noise.
#include <chrono>

#include <nlohmann/json.hpp>

namespace textclass::train {

class TrainingProgress {
 public:
  // first_step: where this process starts (after a resume), so it/s counts only its own steps.
  TrainingProgress(long total_steps, long first_step);

  void step(long step, double epoch, double loss);  // after every optimizer step
  void row(const nlohmann::ordered_json& row);              // a log.jsonl row
  void finish();                                    // ends the bar's line

 private:
  void draw();
  double steps_per_second() const;

  long total_;
  long first_;
  long step_ = 0;
  double epoch_ = 0.0;
  double loss_ = 0.0;
  bool tty_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace textclass::train
