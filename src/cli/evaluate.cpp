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
  DeviceOptions device;
};

void run_evaluate(const EvaluateArgs& args) {
  if (args.data.data.empty()) throw Error("evaluate: give --data (a path or http(s) URL)");
  const std::filesystem::path model_dir = resolve_model_dir(args.model, hub::Need::weights);
  auto backend = make_backend(args.device);
  const auto bert = model::load_bert(*backend, model_dir.string());
  const std::vector<std::string>& classes = bert->config().labels;
  check_classes_option(args.data, classes);
  const data::Dataset dataset = data::read_dataset(dataset_spec(args.data, args.data.data, classes));
  if (dataset.labels.empty()) throw Error(dataset.source + ": evaluation needs labelled rows");
  const std::vector<int>& labels = dataset.labels;

  const text::Tokenizer tokenizer = text::Tokenizer::load(model_dir);
  const std::size_t max_length = args.max_length > 0 ? args.max_length : tokenizer.model_max_length();
  const data::TokenRows rows = train::encode_rows(tokenizer, dataset.texts, labels, max_length, dataset.source);
  train::Predictor predictor(*bert, prediction_batch_size(args.batch_size, *backend), tokenizer.pad_id());
  const train::Predictions predictions = predictor.predict(rows);

  report::Metrics metrics = report::compute_metrics(labels, predictions.label_ids, classes);
  metrics.loss = train::mean_cross_entropy(predictions, labels);
  fmt::print("loss      {:.4f}\naccuracy  {:.4f}\n\n{}\n{}", *metrics.loss, metrics.accuracy,
             report::classification_report(metrics, args.digits), report::confusion_matrix_text(metrics));
  const std::string json = report::metrics_to_json(metrics, args.model, args.data.data).dump(2) + "\n";
  std::filesystem::create_directories(args.data.output);
  report::write_file_atomically(std::filesystem::path(args.data.output) / "metrics.json", json);
  if (!args.metrics_out.empty()) report::write_file_atomically(args.metrics_out, json);
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
  add_device_options(*command, args->device);
  command->callback([args] { run_evaluate(*args); });
}

}  // namespace textclass::cli
