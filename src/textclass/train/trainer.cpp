#include "textclass/train/trainer.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <string_view>

#include <fmt/core.h>

#include "textclass/data/rng.hpp"
#include "textclass/error.hpp"
#include "textclass/model/checkpoint.hpp"
#include "textclass/model/safetensors_file.hpp"
#include "textclass/train/checkpoints.hpp"
#include "textclass/train/training_progress.hpp"

namespace textclass::train {

namespace {

long ceil_div(long a, long b) { return (a + b - 1) / b; }

// The options, once checked for values that would leave nothing to train on.
TrainerOptions checked(TrainerOptions options) {
  if (options.batch_size < 1 || options.eval_batch_size < 1) throw Error("the batch sizes must be at least 1");
  if (options.gradient_accumulation < 1) throw Error("gradient accumulation must be at least 1");
  if (options.epochs < 1 && options.max_steps < 1) throw Error("give at least one epoch or step to train");
  if (options.group_by_length && !options.shuffle)
    throw Error("--group-by-length reorders the rows; it cannot be combined with --no-shuffle");
  if (options.best_model.patience > 0) options.load_best_model_at_end = true;  // as HF requires
  return options;
}

long count_total_steps(const TrainerOptions& options, std::size_t batches_per_epoch) {
  if (options.max_steps > 0) return options.max_steps;
  return options.epochs * ceil_div(static_cast<long>(batches_per_epoch), options.gradient_accumulation);
}

// HF logs every 500 steps; a shorter run logs every total/50 steps, so that it has 50 rows or more.
constexpr long kHFLoggingSteps = 500;
constexpr long kMinLogRows = 50;

long count_logging_steps(const TrainerOptions& options, long total_steps) {
  if (options.logging_steps > 0) return options.logging_steps;
  return std::clamp(total_steps / kMinLogRows, 1L, kHFLoggingSteps);
}

long count_warmup_steps(const TrainerOptions& options, long total_steps) {
  if (options.warmup_steps > 0) return options.warmup_steps;
  return static_cast<long>(std::ceil(options.warmup_ratio * static_cast<double>(total_steps)));
}

// The dropout seed of batch `batch` of epoch `epoch`: different for every batch of a run, and
// the same whenever that batch is trained on again (after a resume). The constant keeps these
// streams away from the shuffling ones, which start from seed + epoch.
std::uint64_t dropout_seed(std::uint64_t seed, long epoch, std::size_t batch) {
  data::Rng rng((seed ^ 0xD1B54A32D192ED03ull) + (static_cast<std::uint64_t>(epoch) << 32) + batch);
  return rng.next();
}

}  // namespace

Trainer::Trainer(model::Bert& bert, const data::TokenRows& train, const data::TokenRows& validation,
                 TrainerOptions options, std::int32_t pad_id)
    : bert_(bert),
      validation_(validation),
      options_(checked(std::move(options))),
      batcher_(train, {options_.batch_size, options_.shuffle, options_.group_by_length, options_.seed, pad_id,
                       padding_multiple(bert)}),
      step_(bert, options_.weight_decay, options_.max_grad_norm),
      predictor_(bert, options_.eval_batch_size, pad_id, &step_.activations()),
      total_steps_(count_total_steps(options_, batcher_.batches_per_epoch())),
      logging_steps_(count_logging_steps(options_, total_steps_)),
      schedule_(options_.learning_rate, count_warmup_steps(options_, total_steps_), total_steps_),
      best_(options_.best_model) {
  if (options_.load_best_model_at_end && !validation.labelled())
    throw Error("--load-best-model-at-end and --early-stopping-patience need validation rows to evaluate on");
  state_.batches_per_epoch = batcher_.batches_per_epoch();
  state_.batch_size = options_.batch_size;
  state_.gradient_accumulation = options_.gradient_accumulation;
  state_.seed = options_.seed;
  state_.shuffle = options_.shuffle;
}

void Trainer::resume_from(const std::filesystem::path& checkpoint) {
  TrainerState saved = read_trainer_state(checkpoint / "trainer_state.json");
  const auto differs = [&](const char* what, auto then, auto now) {
    if (then != now)
      throw Error(fmt::format("{}: the checkpoint was trained with {} {}, not {}; resume with the same value",
                              checkpoint.string(), what, then, now));
  };
  differs("batch size", saved.batch_size, state_.batch_size);
  differs("gradient accumulation", saved.gradient_accumulation, state_.gradient_accumulation);
  differs("seed", saved.seed, state_.seed);
  differs("batches per epoch (other training data?)", saved.batches_per_epoch, state_.batches_per_epoch);
  const auto order = [](bool shuffle) { return std::string_view(shuffle ? "shuffled rows" : "rows in data order"); };
  differs("batches of", order(saved.shuffle), order(state_.shuffle));
  step_.optimizer().load((checkpoint / "optimizer.safetensors").string());
  state_ = std::move(saved);
  best_ = BestModel(options_.best_model, state_.best);
  saved_step_ = state_.global_step;
  batcher_.seek(state_.epoch, state_.batch_in_epoch);
}

double Trainer::run_step() {
  const long step = state_.global_step + 1;  // the step being taken, counted from 1 as HF logs it
  const long k = std::min<long>(options_.gradient_accumulation,
                                static_cast<long>(state_.batches_per_epoch - state_.batch_in_epoch));
  step_.start(step);
  double loss_sum = 0.0;
  for (long i = 0; i < k; ++i) {
    const data::Batch batch = batcher_.next_batch();
    loss_sum += step_.add_batch(model_inputs(batch), dropout_seed(options_.seed, state_.epoch, state_.batch_in_epoch));
    ++state_.batch_in_epoch;
  }
  last_grad_norm_ = step_.apply(schedule_.lr(state_.global_step));
  state_.global_step = step;
  return loss_sum / static_cast<double>(k);
}

void Trainer::log(const nlohmann::ordered_json& row) {
  state_.log_history.push_back(row);
  log_->append(row);
}

void Trainer::evaluate() {
  const Predictions predictions = predictor_.predict(validation_);
  nlohmann::ordered_json row = {{"step", state_.global_step},
                                 {"epoch", state_.epoch_progress()},
                                 {"eval_loss", mean_loss(predictions, validation_, bert_.config().task())}};
  if (!validation_.labels.empty()) row["eval_accuracy"] = accuracy(predictions, validation_.labels);
  if (options_.compute_metrics) {
    for (const auto& [name, value] : options_.compute_metrics(predictions, validation_)) row["eval_" + name] = value;
  }
  log(row);
  if (options_.load_best_model_at_end) {
    best_.observe(state_.log_history.back(), state_.global_step);
    state_.best = best_.state();
  }
}

void Trainer::checkpoint() {
  if (options_.load_best_model_at_end && state_.best.best_global_step == state_.global_step) {
    state_.best_model_checkpoint = checkpoint_dir(options_.output_dir, state_.global_step).string();
  }
  save_checkpoint(options_.output_dir, bert_, step_.optimizer(), state_, options_.tokenizer_dir);
  saved_step_ = state_.global_step;
  if (options_.save_total_limit > 0) {
    rotate_checkpoints(options_.output_dir, options_.save_total_limit, state_.best_model_checkpoint);
  }
}

void Trainer::load_best_model() {
  if (state_.best_model_checkpoint.empty()) return;
  const std::filesystem::path weights = std::filesystem::path(state_.best_model_checkpoint) / "model.safetensors";
  fmt::print(stderr, "loading the best model, step {} ({} {:.6g}), from {}\n", state_.best.best_global_step,
             best_.key(), state_.best.best_metric.value_or(0.0), state_.best_model_checkpoint);
  model::load_weights(bert_, model::SafetensorsFile(weights.string()), options_.seed);
}

bool Trainer::train() {
  std::filesystem::create_directories(options_.output_dir);
  log_.emplace(options_.output_dir / "log.jsonl", state_.log_history);
  TrainingProgress progress(total_steps_, state_.global_step);
  while (state_.global_step < total_steps_) {
    const double loss = run_step();
    const bool epoch_ended = state_.batch_in_epoch == state_.batches_per_epoch;
    if (epoch_ended) {  // the position moves to the next epoch's start before anything is saved
      ++state_.epoch;
      state_.batch_in_epoch = 0;
    }
    const long step = state_.global_step;
    state_.loss_since_log += loss;
    ++state_.steps_since_log;
    progress.step(step, state_.epoch_progress(), loss);
    if (step % logging_steps_ == 0) {
      // HF logs the rate the next step will use, and the loss averaged since the last row.
      log({{"step", step},
           {"epoch", state_.epoch_progress()},
           {"loss", state_.loss_since_log / static_cast<double>(state_.steps_since_log)},
           {"learning_rate", schedule_.lr(step)},
           {"grad_norm", last_grad_norm_}});
      progress.row(state_.log_history.back());
      state_.loss_since_log = 0.0;
      state_.steps_since_log = 0;
    }
    const bool evaluate_now = options_.eval_steps > 0 ? step % options_.eval_steps == 0 : epoch_ended;
    if (evaluate_now && validation_.labelled()) {
      evaluate();
      progress.row(state_.log_history.back());
    }
    bool save_now = options_.save_steps > 0 ? step % options_.save_steps == 0 : epoch_ended;
    if (options_.load_best_model_at_end && evaluate_now) save_now = true;  // every evaluation can be the best
    if (save_now) checkpoint();
    if (evaluate_now && best_.should_stop()) {
      fmt::print(stderr, "early stopping at step {}: {} evaluations without a better {}\n", step,
                 state_.best.evaluations_without_improvement, best_.key());
      break;
    }
    if (options_.stop_requested && step < total_steps_ && options_.stop_requested(step)) {
      if (saved_step_ != step) checkpoint();
      progress.finish();
      return false;
    }
  }
  progress.finish();
  if (options_.load_best_model_at_end) load_best_model();
  save_final_model(options_.output_dir, bert_, options_.tokenizer_dir);
  return true;
}

}  // namespace textclass::train
