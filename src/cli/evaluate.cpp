// `textclass evaluate`: scores a trained model (a run folder or one of its checkpoints) on
// labelled data: loss, accuracy, scikit-learn's classification report and the confusion matrix on
// stdout; the same as metrics.json in --output (and in --metrics-out FILE).
#include <limits>
#include <memory>

#include <fmt/core.h>

#include "cli/commands.hpp"
#include "cli/data_options.hpp"
#include "cli/device_options.hpp"
#include "cli/model_dir.hpp"
#include "cli/task_options.hpp"
#include "cli/task_reports.hpp"
#include "textclass/report/task_metrics.hpp"
#include "textclass/error.hpp"
#include "textclass/model/checkpoint.hpp"
#include "textclass/report/files.hpp"
#include "textclass/report/metrics.hpp"
#include "textclass/text/tokenizer.hpp"
#include "textclass/train/encode_rows.hpp"
#include "textclass/train/predictor.hpp"

namespace textclass::cli {
namespace {

struct EvaluateArgs {
  DataOptions data;
  std::string model;
  int digits = 2;
  std::size_t batch_size = 0;  // 0: the device's prediction_batch_size()
  std::size_t max_length = 0;  // 0: the tokenizer's model_max_length
  std::string metrics_out;
  float threshold = 0.5f;  // multi-label
  DeviceOptions device;
};

// Writes metrics.json into the output folder (and --metrics-out).
void write_metrics(const EvaluateArgs& args, const nlohmann::json& metrics) {
  const std::string json = metrics.dump(2) + "\n";
  std::filesystem::create_directories(args.data.output);
  report::write_file_atomically(std::filesystem::path(args.data.output) / "metrics.json", json);
  if (!args.metrics_out.empty()) report::write_file_atomically(args.metrics_out, json);
}

void run_evaluate(const EvaluateArgs& args) {
  if (args.data.data.empty()) throw Error("evaluate: give --data (a path or http(s) URL)");
  const std::filesystem::path model_dir = resolve_model_dir(args.model, hub::Need::weights);
  auto backend = make_backend(args.device);
  const auto bert = model::load_bert(*backend, model_dir.string());
  const std::vector<std::string>& classes = bert->config().labels;
  const model::ProblemType task = bert->config().task();
  check_classes_option(args.data, classes);
  data::DatasetSpec spec = dataset_spec(args.data, args.data.data, classes);
  spec.label_kind = label_kind_for(task);
  const data::Dataset dataset = data::read_dataset(spec);
  if (!dataset.labelled()) throw Error(dataset.source + ": evaluation needs labelled rows");
  const std::vector<int>& labels = dataset.labels;

  const text::Tokenizer tokenizer = text::Tokenizer::load(model_dir);
  const std::size_t max_length = args.max_length > 0 ? args.max_length : tokenizer.model_max_length();
  data::TokenRows rows = train::encode_rows(tokenizer, dataset, max_length);
  set_targets(rows, dataset);
  train::Predictor predictor(*bert, prediction_batch_size(args.batch_size, *backend), tokenizer.pad_id());
  const train::Predictions predictions = predictor.predict(rows);

  if (task == model::ProblemType::multi_label_classification) {
    report::MultiLabelMetrics metrics =
        report::compute_multilabel_metrics(dataset.label_sets, classes_above(predictions.probs, args.threshold), classes);
    metrics.loss = train::mean_loss(predictions, rows, task);
    print_multilabel_metrics(metrics, args.digits);
    write_metrics(args, report::multilabel_metrics_to_json(metrics, args.model, args.data.data));
    return;
  }
  if (task == model::ProblemType::regression) {
    std::vector<double> values;
    for (const std::vector<float>& logits : predictions.logits) values.push_back(logits[0]);
    report::RegressionMetrics metrics = report::compute_regression_metrics(dataset.values, values);
    metrics.loss = train::mean_loss(predictions, rows, task);
    print_regression_metrics(metrics, args.digits);
    write_metrics(args, report::regression_metrics_to_json(metrics, args.model, args.data.data));
    return;
  }

  report::Metrics metrics = report::compute_metrics(labels, predictions.label_ids, classes);
  metrics.loss = train::mean_cross_entropy(predictions, labels);
  fmt::print("loss      {:.4f}\naccuracy  {:.4f}\n\n{}\n{}", *metrics.loss, metrics.accuracy,
             report::classification_report(metrics, args.digits), report::confusion_matrix_text(metrics));
  write_metrics(args, report::metrics_to_json(metrics, args.model, args.data.data));
}

}  // namespace

void add_evaluate_command(CLI::App& app) {
  auto args = std::make_shared<EvaluateArgs>();
  CLI::App* command = app.add_subcommand(
      "evaluate", "Score a trained model on labelled data: loss, accuracy, classification report, confusion matrix");
  add_data_options(*command, args->data, kDataInput | kOutputDir | kModelClasses);
  command->add_option("--model", args->model, "a trained run folder or checkpoint")->required();
  command->add_option("--digits", args->digits, "decimals in the classification report")
      ->check(CLI::Range(0, 10))->capture_default_str();
  command->add_option("--batch-size", args->batch_size, "rows per batch (default: 256 on a GPU, 32 on the CPU)")
      ->check(CLI::PositiveNumber);
  command->add_option("--max-length", args->max_length, "truncate texts to this many tokens (default: the tokenizer's, 512)")
      ->check(CLI::Range(std::size_t{2}, std::numeric_limits<std::size_t>::max()));
  command->add_option("--metrics-out", args->metrics_out, "also write metrics.json's object to this file");
  command->add_option("--threshold", args->threshold, kThresholdHelp)->check(CLI::Range(0.0, 1.0))->capture_default_str();
  add_device_options(*command, args->device, ModelUse::inference);
  command->callback([args] { run_evaluate(*args); });
}

}  // namespace textclass::cli
