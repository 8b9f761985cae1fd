#include "textclass/train/best_model.hpp"

#include <cmath>

#include "textclass/error.hpp"

namespace textclass::train {

namespace {

std::string eval_key(const std::string& metric) { return metric.starts_with("eval_") ? metric : "eval_" + metric; }

// HF: greater_is_better defaults to False when metric_for_best_model ends with "loss" (eval_loss,
// eval_hamming_loss) and to True for every other metric. The errors of regression (eval_mse,
// eval_mae) are smaller for better models too, where HF would need greater_is_better=False.
bool loss_metric(const std::string& key) {
  return key.ends_with("loss") || key == "eval_mse" || key == "eval_mae";
}

}  // namespace

BestModel::BestModel(BestModelOptions options, BestModelState state)
    : options_(std::move(options)),
      key_(eval_key(options_.metric)),
      greater_is_better_(options_.greater_is_better.value_or(!loss_metric(key_))),
      state_(state) {}

bool BestModel::observe(const nlohmann::ordered_json& eval_row, long step) {
  if (!eval_row.contains(key_) || !eval_row.at(key_).is_number()) {
    std::string available;
    for (const auto& [name, value] : eval_row.items()) {
      if (name.starts_with("eval_") && value.is_number()) available += (available.empty() ? "" : ", ") + name.substr(5);
    }
    throw Error("--metric-for-best-model " + options_.metric + ": the evaluation has no such metric (it has: " +
                available + ")");
  }
  const double value = eval_row.at(key_).get<double>();
  const std::optional<double> best = state_.best_metric;
  const bool better = !best || (greater_is_better_ ? value > *best : value < *best);
  // EarlyStoppingCallback.check_metric_value: the count resets only on an improvement larger than
  // the threshold; a NaN metric is never an improvement.
  if (better && (!best || std::abs(value - *best) > options_.threshold) && !std::isnan(value)) {
    state_.evaluations_without_improvement = 0;
  } else {
    ++state_.evaluations_without_improvement;
  }
  if (!better || std::isnan(value)) return false;
  state_.best_metric = value;
  state_.best_global_step = step;
  return true;
}

}  // namespace textclass::train
