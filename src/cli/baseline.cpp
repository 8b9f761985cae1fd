// `textclass baseline train|evaluate|predict`: the notebook's TF-IDF + logistic-regression
// baseline, with the same data options and outputs as train/evaluate/predict. A run folder holds
// baseline.bin (the model: linear/model_file.hpp) and metrics.json.
#include <omp.h>

#include <algorithm>
#include <cfloat>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <memory>

#include <fmt/core.h>

#include "cli/commands.hpp"
#include "cli/data_options.hpp"
#include "cli/model_dir.hpp"
#include "cli/stdin_lines.hpp"
#include "cli/task_options.hpp"
#include "textclass/data/split.hpp"
#include "textclass/error.hpp"
#include "textclass/linear/model_file.hpp"
#include "textclass/report/files.hpp"
#include "textclass/report/metrics.hpp"
#include "textclass/report/predictions.hpp"

namespace textclass::cli {
namespace {

namespace fs = std::filesystem;
constexpr const char* kModelFile = "baseline.bin";
constexpr const char* kModelName = "TF-IDF + logistic regression";

struct BaselineTrainArgs {
  DataOptions data;
  linear::TfidfOptions vectorizer;
  linear::LogisticRegressionOptions classifier;
  std::string tokens = "word";
  bool no_lowercase = false, no_sublinear_tf = false;
  int digits = 2;
  std::string metrics_out;
  int threads = 0;
};

struct BaselineUseArgs {  // evaluate and predict
  DataOptions data;
  std::string model;
  std::vector<std::string> texts;  // predict
  std::string format_out = "jsonl";
  int digits = 2;
  std::string metrics_out;
  int threads = 0;
};

void set_threads(int threads) {
  if (threads > 0) omp_set_num_threads(threads);
}

std::shared_ptr<const text::Tokenizer> load_tokenizer(const std::string& dir_or_name) {
  return std::make_shared<const text::Tokenizer>(text::Tokenizer::load(resolve_model_dir(dir_or_name)));
}

// --model: a run folder holding baseline.bin, or the file itself.
linear::TextClassifier load_model(const std::string& model) {
  const fs::path path = fs::is_directory(model) ? fs::path(model) / kModelFile : fs::path(model);
  return linear::load_text_classifier(path, load_tokenizer);
}

// The most probable class of each row of `probs` (rows x classes), the first of equals.
std::vector<report::Prediction> to_predictions(const std::vector<double>& probs, std::size_t classes) {
  std::vector<report::Prediction> predictions(probs.size() / classes);
  for (std::size_t row = 0; row < predictions.size(); ++row) {
    const auto first = probs.begin() + static_cast<std::ptrdiff_t>(row * classes);
    const auto last = first + static_cast<std::ptrdiff_t>(classes);
    predictions[row].label_id = static_cast<int>(std::max_element(first, last) - first);
    predictions[row].scores.assign(first, last);
  }
  return predictions;
}

// Prints loss, accuracy, the classification report and the confusion matrix of `rows` (labelled
// with the model's classes), and writes metrics.json into `output_dir` (and to `metrics_out` when
// given).
void report_metrics(const linear::TextClassifier& model, const data::Dataset& rows, const std::string& output_dir,
                    const std::string& metrics_out, int digits) {
  const std::vector<int>& labels = rows.labels;
  const std::size_t classes = model.class_names.size();
  const std::vector<double> probs = model.predict_proba(data::joined_texts(rows));
  const std::vector<report::Prediction> predictions = to_predictions(probs, classes);
  std::vector<int> predicted(predictions.size());
  double loss = 0;  // mean cross-entropy, probabilities clipped at machine epsilon as sklearn's log_loss
  for (std::size_t row = 0; row < predictions.size(); ++row) {
    predicted[row] = predictions[row].label_id;
    loss -= std::log(std::max(probs[row * classes + static_cast<std::size_t>(labels[row])], DBL_EPSILON));
  }
  report::Metrics metrics = report::compute_metrics(labels, predicted, model.class_names);
  metrics.loss = loss / static_cast<double>(predictions.size());
  fmt::print("loss      {:.4f}\naccuracy  {:.4f}\n\n{}\n{}", *metrics.loss, metrics.accuracy,
             report::classification_report(metrics, digits), report::confusion_matrix_text(metrics));
  const std::string json = report::metrics_to_json(metrics, kModelName, rows.source).dump(2) + "\n";
  fs::create_directories(output_dir);
  report::write_file_atomically(fs::path(output_dir) / "metrics.json", json);
  if (!metrics_out.empty()) report::write_file_atomically(metrics_out, json);
}

void run_train(BaselineTrainArgs args) {
  const DataOptions& options = args.data;
  if (options.train.empty()) throw Error("baseline train: give --train (a path or http(s) URL)");
  set_threads(args.threads);
  data::Dataset train = data::read_dataset(dataset_spec(options, options.train));
  require_one_class_per_row(train);
  if (train.labels.empty()) throw Error(train.source + ": training needs labelled rows");
  data::Dataset validation;
  if (!options.validation.empty()) {
    validation = data::read_dataset(dataset_spec(options, options.validation, train.class_names));
    require_one_class_per_row(validation);
  } else {
    const data::Split split = data::split_rows(train.labels, options.split);
    validation = data::subset(train, split.validation);
    train = data::subset(train, split.train);
  }
  if (validation.labels.empty()) throw Error(validation.source + ": validation needs labelled rows");

  args.vectorizer.analyzer.tokens = linear::parse_token_kind(args.tokens);
  args.vectorizer.analyzer.lowercase = !args.no_lowercase;
  args.vectorizer.sublinear_tf = !args.no_sublinear_tf;
  const bool wordpiece = args.vectorizer.analyzer.tokens == linear::TokenKind::wordpiece;
  linear::TextClassifier model{
      train.class_names,
      linear::TfidfVectorizer(args.vectorizer, wordpiece ? load_tokenizer(args.vectorizer.analyzer.tokenizer) : nullptr),
      linear::LogisticRegression(args.classifier)};
  const auto start = std::chrono::steady_clock::now();
  const linear::FitSummary fit = model.fit(data::joined_texts(train), train.labels);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  fmt::print("fit       {} rows, {} features, {} L-BFGS iterations{}, {:.3f} s\n", train.size(),
             model.vectorizer.features(), fit.iterations, fit.converged ? "" : " (stopped before converging)",
             seconds);

  fs::create_directories(options.output);
  linear::save_text_classifier(model, fs::path(options.output) / kModelFile);
  fmt::print("== validation: {} rows\n", validation.size());
  report_metrics(model, validation, options.output, args.metrics_out, args.digits);
}

void run_evaluate(const BaselineUseArgs& args) {
  if (args.data.data.empty()) throw Error("baseline evaluate: give --data (a path or http(s) URL)");
  set_threads(args.threads);
  const linear::TextClassifier model = load_model(args.model);
  check_classes_option(args.data, model.class_names);
  const data::Dataset dataset = data::read_dataset(dataset_spec(args.data, args.data.data, model.class_names));
  require_one_class_per_row(dataset);
  if (dataset.labels.empty()) throw Error(dataset.source + ": evaluation needs labelled rows");
  report_metrics(model, dataset, args.data.output, args.metrics_out, args.digits);
}

void run_predict(const BaselineUseArgs& args) {
  if (!args.data.data.empty() && !args.texts.empty()) throw Error("baseline predict: give texts or --data, not both");
  set_threads(args.threads);
  const linear::TextClassifier model = load_model(args.model);
  check_classes_option(args.data, model.class_names);
  std::vector<std::string> texts = args.texts;
  if (!args.data.data.empty()) {
    texts = data::joined_texts(data::read_dataset(texts_spec(args.data, args.data.data, model.class_names)));
  } else if (texts.empty()) {
    texts = read_stdin_lines();
  }
  const auto predictions = to_predictions(model.predict_proba(texts), model.class_names.size());
  report::write_predictions(std::cout, predictions, model.class_names, args.format_out == "csv");
  std::cout.flush();
  if (!std::cout) throw Error("cannot write to stdout");
}

void add_train(CLI::App& baseline) {
  auto args = std::make_shared<BaselineTrainArgs>();
  CLI::App* command = baseline.add_subcommand(
      "train", "Fit TF-IDF + logistic regression on --train, save it in --output and score the validation rows");
  add_data_options(*command, args->data, kTrainInputs | kSplitOptions | kOutputDir);
  linear::TfidfOptions& v = args->vectorizer;
  command->add_option("--tokens", args->tokens, "word: sklearn's token pattern; wordpiece: the --tokenizer's tokens")
      ->check(CLI::IsMember({"word", "wordpiece"}))->capture_default_str();
  v.analyzer.tokenizer = "bert-base-cased";
  command->add_option("--tokenizer", v.analyzer.tokenizer, "for --tokens wordpiece: a model folder or name")
      ->capture_default_str();
  command->add_option("--ngram-min", v.analyzer.ngram_min, "shortest word n-gram")->check(CLI::PositiveNumber)
      ->capture_default_str();
  command->add_option("--ngram-max", v.analyzer.ngram_max, "longest word n-gram")->check(CLI::PositiveNumber)
      ->capture_default_str();
  command->add_option("--min-df", v.min_df, "keep terms found in at least this many rows")->capture_default_str();
  command->add_option("--max-df", v.max_df, "... and in at most this fraction of them")
      ->check(CLI::Range(0.0, 1.0))->capture_default_str();
  command->add_option("--max-features", v.max_features, "keep the most frequent terms only (0: all)")
      ->capture_default_str();
  command->add_flag("--no-lowercase", args->no_lowercase, "keep the case of the text");
  command->add_flag("--no-sublinear-tf", args->no_sublinear_tf, "raw term counts instead of 1 + ln(count)");
  linear::LogisticRegressionOptions& c = args->classifier;
  command->add_option("-C,--C", c.C, "inverse strength of the L2 penalty")->check(CLI::PositiveNumber)
      ->capture_default_str();
  command->add_option("--tol", c.tol, "stop when every gradient entry is at most this")->check(CLI::PositiveNumber)
      ->capture_default_str();
  command->add_option("--max-iter", c.max_iter, "L-BFGS iterations at most")->check(CLI::PositiveNumber)
      ->capture_default_str();
  command->add_option("--digits", args->digits, "decimals in the classification report")
      ->check(CLI::Range(0, 10))->capture_default_str();
  command->add_option("--metrics-out", args->metrics_out, "also write metrics.json's object to this file");
  command->add_option("--threads", args->threads, "CPU threads (default: all cores)")->check(CLI::NonNegativeNumber);
  command->callback([args] { run_train(*args); });
}

void add_use_options(CLI::App& command, BaselineUseArgs& args) {
  command.add_option("--model", args.model, "a baseline run folder (holding baseline.bin) or the model file")->required();
  command.add_option("--threads", args.threads, "CPU threads (default: all cores)")->check(CLI::NonNegativeNumber);
}

void add_evaluate(CLI::App& baseline) {
  auto args = std::make_shared<BaselineUseArgs>();
  CLI::App* command = baseline.add_subcommand(
      "evaluate", "Score a baseline on labelled data: loss, accuracy, classification report, confusion matrix");
  add_data_options(*command, args->data, kDataInput | kOutputDir | kModelClasses);
  add_use_options(*command, *args);
  command->add_option("--digits", args->digits, "decimals in the classification report")
      ->check(CLI::Range(0, 10))->capture_default_str();
  command->add_option("--metrics-out", args->metrics_out, "also write metrics.json's object to this file");
  command->callback([args] { run_evaluate(*args); });
}

void add_predict(CLI::App& baseline) {
  auto args = std::make_shared<BaselineUseArgs>();
  CLI::App* command = baseline.add_subcommand(
      "predict", "Classify texts (arguments, --data or stdin lines) with a baseline; JSON Lines or CSV on stdout");
  add_data_options(*command, args->data, kDataInput | kModelClasses);
  add_use_options(*command, *args);
  command->add_option("text", args->texts, "texts to classify (default: --data, else lines of stdin)");
  command->add_option("--format-out", args->format_out, "jsonl: one JSON object per text; csv: a header and one row per text")
      ->check(CLI::IsMember({"jsonl", "csv"}))->capture_default_str();
  command->callback([args] { run_predict(*args); });
}

}  // namespace

void add_baseline_command(CLI::App& app) {
  CLI::App* baseline = app.add_subcommand(
      "baseline", "The TF-IDF + logistic-regression baseline: train, evaluate, predict");
  baseline->require_subcommand(1);
  add_train(*baseline);
  add_evaluate(*baseline);
  add_predict(*baseline);
}

}  // namespace textclass::cli
