#pragma once
// The HF Trainer's best-model bookkeeping and its EarlyStoppingCallback, without the Trainer:
// after each evaluation, observe() compares the chosen metric with the best so far (strictly
// better, as HF's np.greater / np.less; loss metrics are better lower, others higher, unless told)
// and counts the evaluations in a row that did not beat it by more than the threshold.
//
//   BestModel best({"loss", std::nullopt, 2, 0.0});
//   best.observe(eval_row, step);   // eval_row: {"eval_loss": 0.41, "eval_accuracy": 0.9, ...}
//   if (best.should_stop()) ...     // 2 evaluations in a row without a new best
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace textclass::train {

struct BestModelOptions {
  std::string metric = "loss";             // as HF's metric_for_best_model: "loss" means eval_loss
  std::optional<bool> greater_is_better;   // unset: false for losses, mse and mae, true for the others
  long patience = 0;                       // > 0: stop after this many evaluations without a new best
  double threshold = 0.0;                  // how much better a value must be to reset the count
};

// What HF keeps in trainer_state.json: best_metric, best_global_step, and the callback's counter.
struct BestModelState {
  std::optional<double> best_metric;
  long best_global_step = -1;
  long evaluations_without_improvement = 0;
};

class BestModel {
 public:
  explicit BestModel(BestModelOptions options, BestModelState state = {});

  // The evaluation row's key for the metric: "eval_loss" for "loss" and "eval_loss" alike.
  const std::string& key() const { return key_; }
  // Reads key() from the row (an Error naming the metrics the row has if absent); returns true when
  // this evaluation is the new best.
  bool observe(const nlohmann::ordered_json& eval_row, long step);
  bool should_stop() const { return options_.patience > 0 && state_.evaluations_without_improvement >= options_.patience; }
  const BestModelState& state() const { return state_; }

 private:
  BestModelOptions options_;
  std::string key_;
  bool greater_is_better_;
  BestModelState state_;
};

}  // namespace textclass::train
