// `textclass predict`: a trained model's answer for each text — texts given as arguments, a
// --data file (any dataset format; a csv/jsonl label column is not read; sentence pairs with
// --text-pair-column) or else stdin, one text per line — printed in input order as JSON Lines (or
// CSV with --format-out csv): the class with every class's probability (single-label), the classes
// above --threshold with every class's sigmoid (multi-label), or the value (regression);
// --raw-scores prints logits instead of probabilities.
#include <iostream>
#include <limits>
#include <memory>

#include "cli/commands.hpp"
#include "cli/data_options.hpp"
#include "cli/device_options.hpp"
#include "cli/model_dir.hpp"
#include "cli/stdin_lines.hpp"
#include "cli/task_options.hpp"
#include "textclass/error.hpp"
#include "textclass/model/checkpoint.hpp"
#include "textclass/report/predictions.hpp"
#include "textclass/text/tokenizer.hpp"
#include "textclass/train/encode_rows.hpp"
#include "textclass/train/predictor.hpp"

namespace textclass::cli {
namespace {

struct PredictArgs {
  DataOptions data;
  std::string model;
  std::vector<std::string> texts;
  std::string format_out = "jsonl";
  std::size_t batch_size = 0;  // 0: the device's prediction_batch_size()
  std::size_t max_length = 0;  // 0: the tokenizer's model_max_length
  bool raw_scores = false;     // logits instead of probabilities
  float threshold = 0.5f;     // multi-label
  DeviceOptions device;
};

void write_classes(const train::Predictions& predictions, const std::vector<std::string>& labels, bool csv,
                   report::Scores scores);

void run_predict(const PredictArgs& args) {
  if (!args.data.data.empty() && !args.texts.empty()) throw Error("predict: give texts or --data, not both");
  const std::filesystem::path model_dir = resolve_model_dir(args.model, hub::Need::weights);
  auto backend = make_backend(args.device);
  const auto bert = model::load_bert(*backend, model_dir.string());
  check_classes_option(args.data, bert->config().labels);
  std::vector<std::string> texts = args.texts, pairs;
  std::string source = "text argument";
  if (!args.data.data.empty()) {
    data::Dataset dataset = data::read_dataset(texts_spec(args.data, args.data.data, bert->config().labels));
    texts = std::move(dataset.texts);
    pairs = std::move(dataset.text_pairs);
    source = dataset.source;
  } else if (!args.data.read.text_pair_column.empty()) {
    throw Error("predict: --text-pair-column reads pairs from --data; texts as arguments or on stdin are single texts");
  } else if (texts.empty()) {
    texts = read_stdin_lines();
    source = "<stdin>";
  }
  const text::Tokenizer tokenizer = text::Tokenizer::load(model_dir);
  const std::size_t max_length = args.max_length > 0 ? args.max_length : tokenizer.model_max_length();
  const data::TokenRows rows = train::encode_rows(tokenizer, texts, pairs, {}, max_length, source);
  train::Predictor predictor(*bert, prediction_batch_size(args.batch_size, *backend), tokenizer.pad_id());
  const train::Predictions predictions = predictor.predict(rows);

  const bool csv = args.format_out == "csv";
  const report::Scores scores = args.raw_scores ? report::Scores::logits : report::Scores::probabilities;
  const model::ProblemType task = bert->config().task();
  if (task == model::ProblemType::regression) {
    std::vector<float> values;
    for (const std::vector<float>& logits : predictions.logits) values.push_back(logits[0]);
    report::write_value_predictions(std::cout, values, csv);
  } else if (task == model::ProblemType::multi_label_classification) {
    const std::vector<std::vector<int>> chosen = classes_above(predictions.probs, args.threshold);
    std::vector<report::LabelSetPrediction> out;
    for (std::size_t i = 0; i < predictions.size(); ++i)
      out.push_back({chosen[i], args.raw_scores ? predictions.logits[i] : predictions.probs[i]});
    report::write_label_set_predictions(std::cout, out, bert->config().labels, csv, scores);
  } else {
    write_classes(predictions, bert->config().labels, csv, scores);
  }
  std::cout.flush();
  if (!std::cout) throw Error("cannot write to stdout");
}

void write_classes(const train::Predictions& predictions, const std::vector<std::string>& labels, bool csv,
                   report::Scores scores) {
  std::vector<report::Prediction> out;
  out.reserve(predictions.size());
  for (std::size_t i = 0; i < predictions.size(); ++i)
    out.push_back({predictions.label_ids[i], scores == report::Scores::logits ? predictions.logits[i] : predictions.probs[i]});
  report::write_predictions(std::cout, out, labels, csv, scores);
}

}  // namespace

void add_predict_command(CLI::App& app) {
  auto args = std::make_shared<PredictArgs>();
  CLI::App* command = app.add_subcommand(
      "predict", "Classify texts (arguments, --data or stdin lines) with a trained model; JSON Lines or CSV on stdout");
  add_data_options(*command, args->data, kDataInput | kModelClasses);
  command->add_option("--model", args->model,
                      "a trained run folder or checkpoint, or a transformers BertForSequenceClassification "
                      "(RobertaForSequenceClassification, DistilBertForSequenceClassification; run with its own head)")->required();
  command->add_option("text", args->texts, "texts to classify (default: --data, else lines of stdin)");
  command->add_option("--format-out", args->format_out, "jsonl: one JSON object per text; csv: a header and one row per text")
      ->check(CLI::IsMember({"jsonl", "csv"}))->capture_default_str();
  command->add_option("--batch-size", args->batch_size, "rows per batch (default: 256 on a GPU, 32 on the CPU)")
      ->check(CLI::PositiveNumber);
  command->add_option("--max-length", args->max_length, "truncate texts to this many tokens (default: the tokenizer's, 512)")
      ->check(CLI::Range(std::size_t{2}, std::numeric_limits<std::size_t>::max()));
  command->add_flag("--raw-scores", args->raw_scores,
                    "print each class's logit (\"logits\", logit_<class>) instead of its probability, to calibrate "
                    "or threshold yourself");
  command->add_option("--threshold", args->threshold, kThresholdHelp)->check(CLI::Range(0.0, 1.0))->capture_default_str();
  add_device_options(*command, args->device, ModelUse::inference);
  command->callback([args] { run_predict(*args); });
}

}  // namespace textclass::cli
