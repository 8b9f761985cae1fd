// `textclass train`: fine-tunes a BERT model on labelled texts with the HuggingFace Trainer's
// recipe (train::Trainer), evaluating on a validation set, checkpointing into --output, and
// resuming from the latest checkpoint with --resume. This file only wires options to the Trainer.
#include <atomic>
#include <csignal>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include <fmt/core.h>

#include "cli/commands.hpp"
#include "cli/data_options.hpp"
#include "cli/device_options.hpp"
#include "cli/model_dir.hpp"
#include "cli/task_options.hpp"
#include "cli/task_reports.hpp"
#include "textclass/data/split.hpp"
#include "textclass/error.hpp"
#include "textclass/model/bert_config.hpp"
#include "textclass/model/checkpoint.hpp"
#include "textclass/text/tokenizer.hpp"
#include "textclass/train/checkpoints.hpp"
#include "textclass/train/encode_rows.hpp"
#include "textclass/train/trainer.hpp"

namespace textclass::cli {
namespace {

struct TrainArgs {
  DataOptions data;
  train::TrainerOptions trainer;
  std::string model = "bert-base-cased";
  std::size_t max_length = 0;  // 0: the tokenizer's model_max_length
  DeviceOptions device;
  std::string head;  // empty: a finished classifier's own, else transformers' (pooler)
  std::optional<double> dropout;  // unset: the checkpoint's config.json
  std::string init = "pretrained";  // or "random": config.json's architecture, new weights
  bool resume = false;
  std::string problem_type;   // empty: the checkpoint's, else the data's
  std::string class_weights;  // empty: none
  float label_smoothing = 0.0f;
  float threshold = 0.5f;  // multi-label: the validation rows' metrics
};

// Set by SIGINT/SIGTERM: the Trainer then saves a checkpoint and returns.
std::atomic<bool> stop_signal{false};
extern "C" void request_stop(int) { stop_signal = true; }

// A dropout probability: [0, 1) (CLI::Range would let 1 through, which scales by 1/0).
CLI::Validator dropout_probability() {
  return CLI::Validator(
      [](std::string& value) -> std::string {
        double p = 0.0;
        if (CLI::detail::lexical_cast(value, p) && p >= 0.0 && p < 1.0) return {};
        return "Value " + value + " not in [0, 1)";
      },
      "[0, 1)");
}

// The training and validation sets: --validation (read against the training data's classes and
// label kind), else the split of --train (multi-label and regression rows split as one class).
std::pair<data::Dataset, data::Dataset> read_datasets(DataOptions options, std::optional<model::ProblemType> task) {
  if (options.train.empty()) throw Error("train: give --train (a path or http(s) URL)");
  options.read.label_kind = label_kind_for(task);
  data::Dataset train = data::read_dataset(dataset_spec(options, options.train));
  if (!train.labelled()) throw Error(train.source + ": training data needs labels");
  if (!options.validation.empty()) {
    options.read.label_kind = train.label_kind;
    return {train, data::read_dataset(dataset_spec(options, options.validation, train.class_names))};
  }
  const std::vector<int> strata = train.label_kind == data::LabelKind::classes ? train.labels
                                                                               : std::vector<int>(train.size(), 0);
  const data::Split split = data::split_rows(strata, options.split);
  return {data::subset(train, split.train), data::subset(train, split.validation)};
}

void run_train(TrainArgs& args) {
  const bool random_weights = args.init == "random";
  std::filesystem::path model_dir = resolve_model_dir(args.model, random_weights ? hub::Need::config : hub::Need::weights);
  const std::optional<model::ProblemType> asked_task = training_task(
      args.problem_type, model::load_config((model_dir / "config.json").string()).problem_type, model_dir.string());
  auto [train_set, validation_set] = read_datasets(args.data, asked_task);
  const model::ProblemType task = asked_task.value_or(task_of(train_set));

  std::optional<std::filesystem::path> checkpoint;
  args.trainer.output_dir = args.data.output;
  if (random_weights && args.resume) throw Error("--init random starts a new model; it cannot be combined with --resume");
  if (args.resume) {
    checkpoint = train::latest_checkpoint(args.trainer.output_dir);
    if (!checkpoint) throw Error(args.data.output + ": no checkpoint to resume from");
    model_dir = *checkpoint;
  }
  args.trainer.tokenizer_dir = model_dir;
  args.trainer.seed = args.data.split.seed;  // one --seed, as the notebook's 1122 for both

  const text::Tokenizer tokenizer = text::Tokenizer::load(model_dir);
  const std::size_t max_length = args.max_length > 0 ? args.max_length : tokenizer.model_max_length();
  data::TokenRows train_rows = train::encode_rows(tokenizer, train_set, max_length);
  data::TokenRows validation_rows = train::encode_rows(tokenizer, validation_set, max_length);
  set_targets(train_rows, train_set);
  set_targets(validation_rows, validation_set);

  auto backend = make_backend(args.device);
  model::LoadOptions load;
  if (!args.head.empty()) load.head = model::head_from_name(args.head);
  // regression: one output, named as transformers names it
  load.labels = task == model::ProblemType::regression ? std::vector<std::string>{"LABEL_0"} : train_set.class_names;
  load.problem_type = task;
  load.init_seed = args.trainer.seed;
  load.dropout = args.dropout;
  load.random_weights = random_weights;
  auto bert = model::load_bert(*backend, model_dir.string(), load);
  bert->set_loss_options({class_weights(args.class_weights, train_set), args.label_smoothing});

  args.trainer.stop_requested = [](long) { return stop_signal.load(); };
  std::signal(SIGINT, request_stop);
  std::signal(SIGTERM, request_stop);
  args.trainer.compute_metrics = task_compute_metrics(task, train_set.class_names, args.threshold);
  train::Trainer trainer(*bert, train_rows, validation_rows, args.trainer, tokenizer.pad_id());
  if (checkpoint) trainer.resume_from(*checkpoint);
  // the task is named where it is not the classic one class per text
  const std::string task_name = task == model::ProblemType::single_label_classification
                                    ? std::string()
                                    : std::string(model::problem_type_name(task)) + ", ";
  fmt::print(stderr, "training on {} rows, validating on {}: {} steps from step {} ({}{} head, {}, on {})\n",
             train_rows.size(), validation_rows.size(), trainer.total_steps(), trainer.state().global_step,
             task_name, model::head_name(bert->head()),
             task == model::ProblemType::regression ? std::string("1 output")
                                                    : fmt::format("{} classes", bert->config().num_labels()),
             backend->name());
  if (!trainer.train()) {
    throw Error(fmt::format("interrupted at step {}; checkpoint saved in {}: continue with --resume",
                            trainer.state().global_step, args.data.output));
  }
  fmt::print(stderr, "model saved in {} (peak memory on {}: {:.2f} GiB)\n", args.data.output, backend->name(),
             static_cast<double>(backend->memory_use().peak) / (1 << 30));
}

}  // namespace

void add_train_command(CLI::App& app) {
  auto args = std::make_shared<TrainArgs>();
  train::TrainerOptions& t = args->trainer;
  CLI::App* command = app.add_subcommand(
      "train", "Fine-tune BERT on labelled texts (the HF Trainer's recipe), with checkpoints and --resume");
  add_data_options(*command, args->data, kTrainInputs | kSplitOptions | kOutputDir);
  command->add_option("--model", args->model, "pretrained model: a folder or a name")->capture_default_str();
  command->add_option("--epochs", t.epochs, "passes over the training data")->check(CLI::PositiveNumber)->capture_default_str();
  command->add_option("--max-steps", t.max_steps, "train for this many optimizer steps instead of --epochs")
      ->check(CLI::PositiveNumber);
  command->add_option("--batch-size", t.batch_size, "rows per batch")->check(CLI::PositiveNumber)->capture_default_str();
  command->add_option("--eval-batch-size", t.eval_batch_size, "rows per evaluation batch")
      ->check(CLI::PositiveNumber)->capture_default_str();
  command->add_option("--learning-rate", t.learning_rate, "peak learning rate")->check(CLI::PositiveNumber)->capture_default_str();
  command->add_option("--weight-decay", t.weight_decay, "AdamW weight decay (not on biases and LayerNorm)")
      ->check(CLI::NonNegativeNumber)->capture_default_str();
  command->add_option("--warmup-steps", t.warmup_steps, "steps of linear warmup")->check(CLI::NonNegativeNumber)->capture_default_str();
  command->add_option("--warmup-ratio", t.warmup_ratio, "warmup as a share of all steps (when --warmup-steps is 0)")
      ->check(CLI::Range(0.0, 1.0))->capture_default_str();
  command->add_option("--gradient-accumulation", t.gradient_accumulation, "batches per optimizer step")
      ->check(CLI::PositiveNumber)->capture_default_str();
  command->add_option("--max-grad-norm", t.max_grad_norm, "clip the gradient's global norm to this (0: no clipping)")
      ->check(CLI::NonNegativeNumber)->capture_default_str();
  command->add_option("--max-length", args->max_length, "truncate texts to this many tokens (default: the tokenizer's, 512)")
      ->check(CLI::Range(std::size_t{2}, std::numeric_limits<std::size_t>::max()));
  command->add_flag("--group-by-length", t.group_by_length, "batch rows of similar length together (less padding)");
  command->add_flag_callback("--no-shuffle", [&t] { t.shuffle = false; },
                             "batches in the data's row order every epoch (default: a seeded shuffle per epoch)");
  command->add_option("--logging-steps", t.logging_steps,
                      "a log.jsonl row every this many steps (default: 500, or total steps / 50 in a shorter run)")
      ->check(CLI::PositiveNumber);
  command->add_option("--eval-steps", t.eval_steps, "evaluate every this many steps (default: every epoch)")
      ->check(CLI::PositiveNumber);
  command->add_option("--save-steps", t.save_steps, "checkpoint every this many steps (default: every epoch)")
      ->check(CLI::PositiveNumber);
  command->add_option("--save-total-limit", t.save_total_limit,
                      "keep only this many checkpoints, the newest (and the best with --load-best-model-at-end)")
      ->check(CLI::PositiveNumber);
  command->add_flag("--load-best-model-at-end", t.load_best_model_at_end,
                    "the final model is the checkpoint with the best evaluation (--metric-for-best-model); a "
                    "checkpoint is saved at every evaluation");
  command->add_option("--metric-for-best-model", t.best_model.metric,
                      "the evaluation metric that picks the best model: loss; single-label accuracy, f1_macro, "
                      "f1_weighted; multi-label subset_accuracy, hamming_loss, f1_micro, f1_macro, f1_weighted, "
                      "f1_samples; regression mse, mae, r2, pearson, spearman")
      ->capture_default_str();
  command->add_option("--threshold", args->threshold,
                      "multi-label: the validation metrics count a class as predicted where its probability "
                      "(sigmoid) is above this")
      ->check(CLI::Range(0.0, 1.0))->capture_default_str();
  command->add_option("--greater-is-better", t.best_model.greater_is_better,
                      "true or false: whether a larger metric is better (default: false for loss, hamming_loss, mse and mae, true "
                      "otherwise)");
  command->add_option("--early-stopping-patience", t.best_model.patience,
                      "stop after this many evaluations in a row without a better metric (implies "
                      "--load-best-model-at-end)")
      ->check(CLI::PositiveNumber);
  command->add_option("--early-stopping-threshold", t.best_model.threshold,
                      "how much better the metric must get to count as better for early stopping")
      ->check(CLI::NonNegativeNumber)->capture_default_str();
  command->add_option("--init", args->init,
                      "pretrained: the weights of --model; random: --model's config.json with new weights "
                      "(transformers' from_config; --model needs only config.json and the tokenizer)")
      ->check(CLI::IsMember({"pretrained", "random"}))->capture_default_str();
  command->add_option("--head", args->head,
                      "classifier head: pooler (transformers' BertForSequenceClassification: pooler, dropout, linear; "
                      "the default, an ordinary transformers checkpoint; RoBERTa and DistilBERT models get their own "
                      "...ForSequenceClassification head) or cls_linear (BERT only, the notebook's: dropout and "
                      "linear on [CLS], saved with its code for trust_remote_code=True); a model that is already a "
                      "classifier keeps its own")
      ->check(CLI::IsMember({"cls_linear", "pooler"}));
  command->add_option("--dropout", args->dropout,
                      "set every dropout probability (hidden, attention, head) to this (default: config.json's)")
      ->check(dropout_probability());
  command->add_option("--problem-type", args->problem_type,
                      "the task, as transformers' config.json names it: single_label_classification, "
                      "multi_label_classification (BCE with logits) or regression (one output, MSE) (default: the "
                      "model's own problem_type, else multi-label when the labels are lists, else single-label)")
      ->check(CLI::IsMember({"single_label_classification", "multi_label_classification", "regression"}));
  command->add_option("--class-weights", args->class_weights,
                      "single-label: weigh each class's loss: balanced (sklearn's: rows / (classes x rows of the "
                      "class)) or a JSON file {\"class\": weight, ...} (default: none)");
  command->add_option("--label-smoothing", args->label_smoothing,
                      "single-label: HF's label_smoothing_factor (torch's cross_entropy label_smoothing)")
      ->check(dropout_probability())->capture_default_str();
  add_device_options(*command, args->device, ModelUse::training);
  command->add_flag("--resume", args->resume, "continue from the latest checkpoint in --output");
  command->callback([args] { run_train(*args); });
}

}  // namespace textclass::cli
