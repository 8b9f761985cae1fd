// `textclass baseline train|evaluate|predict`: the notebook's TF-IDF baseline for every task, with
// the same data options and outputs as train/evaluate/predict: logistic regression for one class
// per row, one-vs-rest logistic regression for multi-label, ridge regression for values. A run
// folder holds baseline.bin (the model, with its problem_type and classes: linear/model_file.hpp)
// and metrics.json.
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
#include "cli/task_reports.hpp"
#include "textclass/data/split.hpp"
#include "textclass/error.hpp"
#include "textclass/linear/model_file.hpp"
#include "textclass/report/files.hpp"
#include "textclass/report/metrics.hpp"
#include "textclass/report/predictions.hpp"
#include "textclass/report/task_metrics.hpp"

namespace textclass::cli {
namespace {

namespace fs = std::filesystem;
using model::ProblemType;
constexpr const char* kModelFile = "baseline.bin";

// How metrics.json and compare name the baseline of each task.
const char* model_name(ProblemType task) {
  switch (task) {
    case ProblemType::multi_label_classification: return "TF-IDF + one-vs-rest logistic regression";
    case ProblemType::regression: return "TF-IDF + ridge regression";
    default: return "TF-IDF + logistic regression";
  }
}

struct BaselineTrainArgs {
  DataOptions data;
  linear::TfidfOptions vectorizer;
  linear::LogisticRegressionOptions classifier;
  linear::RidgeOptions ridge;
  std::string problem_type;  // empty: the data's (multi-label for lists, else single-label)
  std::string tokens = "word";
  bool no_lowercase = false, no_sublinear_tf = false;
  int digits = 2;
  float threshold = 0.5f;  // multi-label
  std::string metrics_out;
  int threads = 0;
};

struct BaselineUseArgs {  // evaluate and predict
  DataOptions data;
  std::string model;
  std::vector<std::string> texts;  // predict
  std::string format_out = "jsonl";
  int digits = 2;
  float threshold = 0.5f;  // multi-label
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

// rows x width scores as one float vector per row (what classes_above reads).
std::vector<std::vector<float>> score_rows(const std::vector<double>& scores, std::size_t width) {
  std::vector<std::vector<float>> rows(scores.size() / width);
  for (std::size_t row = 0; row < rows.size(); ++row) {
    rows[row].assign(scores.begin() + static_cast<std::ptrdiff_t>(row * width),
                     scores.begin() + static_cast<std::ptrdiff_t>((row + 1) * width));
  }
  return rows;
}

// Writes metrics.json into `output_dir` (and to `metrics_out` when given).
void write_metrics(const nlohmann::json& metrics, const std::string& output_dir, const std::string& metrics_out) {
  const std::string json = metrics.dump(2) + "\n";
  fs::create_directories(output_dir);
  report::write_file_atomically(fs::path(output_dir) / "metrics.json", json);
  if (!metrics_out.empty()) report::write_file_atomically(metrics_out, json);
}

// Prints the task's metrics of `rows` (labelled with the model's classes: loss, accuracy, the
// classification report and the confusion matrix for one class per row; as evaluate prints them
// for the other tasks) and writes metrics.json. Losses as sklearn's log_loss clips probabilities,
// at machine epsilon: the mean cross-entropy; multi-label the mean binary cross-entropy over rows
// and classes (the model's BCE); regression the mean squared error.
void report_metrics(const linear::TextClassifier& model, const data::Dataset& rows, const std::string& output_dir,
                    const std::string& metrics_out, int digits, float threshold) {
  const std::vector<double> scores = model.predict_scores(data::joined_texts(rows));
  const std::string name = model_name(model.problem_type());
  const std::size_t classes = model.class_names.size();
  const auto clipped_log = [](double p) { return std::log(std::clamp(p, DBL_EPSILON, 1.0 - DBL_EPSILON)); };
  if (model.problem_type() == ProblemType::multi_label_classification) {
    report::MultiLabelMetrics metrics = report::compute_multilabel_metrics(
        rows.label_sets, classes_above(score_rows(scores, classes), threshold), model.class_names);
    double loss = 0;
    for (std::size_t row = 0; row < rows.size(); ++row) {
      for (std::size_t c = 0; c < classes; ++c) {
        const bool holds = std::binary_search(rows.label_sets[row].begin(), rows.label_sets[row].end(), static_cast<int>(c));
        const double p = scores[row * classes + c];
        loss -= holds ? clipped_log(p) : clipped_log(1.0 - p);
      }
    }
    metrics.loss = loss / static_cast<double>(rows.size() * classes);
    print_multilabel_metrics(metrics, digits);
    write_metrics(report::multilabel_metrics_to_json(metrics, name, rows.source), output_dir, metrics_out);
    return;
  }
  if (model.problem_type() == ProblemType::regression) {
    report::RegressionMetrics metrics = report::compute_regression_metrics(rows.values, scores);
    metrics.loss = metrics.mse;
    print_regression_metrics(metrics, digits);
    write_metrics(report::regression_metrics_to_json(metrics, name, rows.source), output_dir, metrics_out);
    return;
  }
  const std::vector<int>& labels = rows.labels;
  const std::vector<report::Prediction> predictions = to_predictions(scores, classes);
  std::vector<int> predicted(predictions.size());
  double loss = 0;
  for (std::size_t row = 0; row < predictions.size(); ++row) {
    predicted[row] = predictions[row].label_id;
    loss -= std::log(std::max(scores[row * classes + static_cast<std::size_t>(labels[row])], DBL_EPSILON));
  }
  report::Metrics metrics = report::compute_metrics(labels, predicted, model.class_names);
  metrics.loss = loss / static_cast<double>(predictions.size());
  fmt::print("loss      {:.4f}\naccuracy  {:.4f}\n\n{}\n{}", *metrics.loss, metrics.accuracy,
             report::classification_report(metrics, digits), report::confusion_matrix_text(metrics));
  write_metrics(report::metrics_to_json(metrics, name, rows.source), output_dir, metrics_out);
}

// The estimator of the task, with the options given.
linear::Estimator estimator_for(ProblemType task, const BaselineTrainArgs& args) {
  switch (task) {
    case ProblemType::multi_label_classification: return linear::OneVsRestLogisticRegression(args.classifier);
    case ProblemType::regression: return linear::RidgeRegression(args.ridge);
    default: return linear::LogisticRegression(args.classifier);
  }
}

void run_train(BaselineTrainArgs args) {
  DataOptions options = args.data;
  if (options.train.empty()) throw Error("baseline train: give --train (a path or http(s) URL)");
  set_threads(args.threads);
  const std::optional<ProblemType> asked = training_task(args.problem_type, std::nullopt, "");
  options.read.label_kind = label_kind_for(asked);
  data::Dataset train = data::read_dataset(dataset_spec(options, options.train));
  if (!train.labelled()) throw Error(train.source + ": training needs labelled rows");
  const ProblemType task = asked.value_or(task_of(train));
  data::Dataset validation;
  if (!options.validation.empty()) {
    options.read.label_kind = train.label_kind;
    validation = data::read_dataset(dataset_spec(options, options.validation, train.class_names));
  } else {  // multi-label and regression rows split as one class, as train splits them
    const std::vector<int> strata = train.label_kind == data::LabelKind::classes ? train.labels
                                                                                 : std::vector<int>(train.size(), 0);
    const data::Split split = data::split_rows(strata, options.split);
    validation = data::subset(train, split.validation);
    train = data::subset(train, split.train);
  }
  if (!validation.labelled()) throw Error(validation.source + ": validation needs labelled rows");

  args.vectorizer.analyzer.tokens = linear::parse_token_kind(args.tokens);
  args.vectorizer.analyzer.lowercase = !args.no_lowercase;
  args.vectorizer.sublinear_tf = !args.no_sublinear_tf;
  const bool wordpiece = args.vectorizer.analyzer.tokens == linear::TokenKind::wordpiece;
  linear::TextClassifier model{
      task == ProblemType::regression ? std::vector<std::string>{} : train.class_names,
      linear::TfidfVectorizer(args.vectorizer, wordpiece ? load_tokenizer(args.vectorizer.analyzer.tokenizer) : nullptr),
      estimator_for(task, args)};
  const auto start = std::chrono::steady_clock::now();
  const std::vector<std::string> texts = data::joined_texts(train);
  const linear::FitSummary fit = task == ProblemType::multi_label_classification ? model.fit(texts, train.label_sets)
                                 : task == ProblemType::regression              ? model.fit(texts, train.values)
                                                                               : model.fit(texts, train.labels);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  // the task is named where it is not the classic one class per text, as train names it
  const std::string task_name =
      task == ProblemType::single_label_classification ? "" : fmt::format(" ({})", model::problem_type_name(task));
  fmt::print("fit       {} rows{}, {} features, {} {} iterations{}, {:.3f} s\n", train.size(), task_name,
             model.vectorizer.features(), fit.iterations, task == ProblemType::regression ? "CG" : "L-BFGS",
             fit.converged ? "" : " (stopped before converging)", seconds);

  fs::create_directories(options.output);
  linear::save_text_classifier(model, fs::path(options.output) / kModelFile);
  fmt::print("== validation: {} rows\n", validation.size());
  report_metrics(model, validation, options.output, args.metrics_out, args.digits, args.threshold);
}

// The dataset options for the model's task: its classes, and its kind of labels.
data::DatasetSpec model_spec(const BaselineUseArgs& args, const linear::TextClassifier& model) {
  check_classes_option(args.data, model.class_names);
  data::DatasetSpec spec = dataset_spec(args.data, args.data.data, model.class_names);
  spec.label_kind = label_kind_for(model.problem_type());
  return spec;
}

void run_evaluate(const BaselineUseArgs& args) {
  if (args.data.data.empty()) throw Error("baseline evaluate: give --data (a path or http(s) URL)");
  set_threads(args.threads);
  const linear::TextClassifier model = load_model(args.model);
  const data::Dataset dataset = data::read_dataset(model_spec(args, model));
  if (!dataset.labelled()) throw Error(dataset.source + ": evaluation needs labelled rows");
  report_metrics(model, dataset, args.data.output, args.metrics_out, args.digits, args.threshold);
}

void run_predict(const BaselineUseArgs& args) {
  if (!args.data.data.empty() && !args.texts.empty()) throw Error("baseline predict: give texts or --data, not both");
  set_threads(args.threads);
  const linear::TextClassifier model = load_model(args.model);
  std::vector<std::string> texts = args.texts;
  if (!args.data.data.empty()) {
    data::DatasetSpec spec = model_spec(args, model);
    spec.label_column.clear();
    texts = data::joined_texts(data::read_dataset(spec));
  } else if (texts.empty()) {
    texts = read_stdin_lines();
  }
  const std::vector<double> scores = model.predict_scores(texts);
  const bool csv = args.format_out == "csv";
  if (model.problem_type() == ProblemType::regression) {
    report::write_value_predictions(std::cout, std::vector<float>(scores.begin(), scores.end()), csv);
  } else if (model.problem_type() == ProblemType::multi_label_classification) {
    const std::vector<std::vector<float>> probs = score_rows(scores, model.outputs());
    const std::vector<std::vector<int>> above = classes_above(probs, args.threshold);
    std::vector<report::LabelSetPrediction> predictions;
    for (std::size_t row = 0; row < probs.size(); ++row) predictions.push_back({above[row], probs[row]});
    report::write_label_set_predictions(std::cout, predictions, model.class_names, csv);
  } else {
    report::write_predictions(std::cout, to_predictions(scores, model.outputs()), model.class_names, csv);
  }
  std::cout.flush();
  if (!std::cout) throw Error("cannot write to stdout");
}

void add_train(CLI::App& baseline) {
  auto args = std::make_shared<BaselineTrainArgs>();
  CLI::App* command = baseline.add_subcommand(
      "train",
      "Fit TF-IDF + logistic regression (one-vs-rest for multi-label, ridge for regression) on --train, save it in "
      "--output and score the validation rows");
  add_data_options(*command, args->data, kTrainInputs | kSplitOptions | kOutputDir);
  command->add_option("--problem-type", args->problem_type,
                      "the task, as transformers names it: single_label_classification (logistic regression), "
                      "multi_label_classification (one-vs-rest logistic regression) or regression (ridge) (default: "
                      "multi-label when the labels are lists, else single-label)")
      ->check(CLI::IsMember({"single_label_classification", "multi_label_classification", "regression"}));
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
  command->add_option("--max-iter", c.max_iter, "L-BFGS iterations at most (per class for multi-label)")
      ->check(CLI::PositiveNumber)->capture_default_str();
  command->add_option("--alpha", args->ridge.alpha, "regression: strength of ridge's L2 penalty (sklearn's Ridge alpha)")
      ->check(CLI::PositiveNumber)->capture_default_str();
  command->add_option("--digits", args->digits, "decimals in the classification report")
      ->check(CLI::Range(0, 10))->capture_default_str();
  command->add_option("--threshold", args->threshold, kThresholdHelp)->check(CLI::Range(0.0, 1.0))->capture_default_str();
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
      "evaluate",
      "Score a baseline on labelled data: the metrics of its task (loss, accuracy, classification report, confusion "
      "matrix for one class per row)");
  add_data_options(*command, args->data, kDataInput | kOutputDir | kModelClasses);
  add_use_options(*command, *args);
  command->add_option("--digits", args->digits, "decimals in the classification report")
      ->check(CLI::Range(0, 10))->capture_default_str();
  command->add_option("--threshold", args->threshold, kThresholdHelp)->check(CLI::Range(0.0, 1.0))->capture_default_str();
  command->add_option("--metrics-out", args->metrics_out, "also write metrics.json's object to this file");
  command->callback([args] { run_evaluate(*args); });
}

void add_predict(CLI::App& baseline) {
  auto args = std::make_shared<BaselineUseArgs>();
  CLI::App* command = baseline.add_subcommand(
      "predict",
      "Classify texts (arguments, --data or stdin lines) with a baseline: the class, the classes above --threshold "
      "(multi-label) or the value (regression); JSON Lines or CSV on stdout");
  add_data_options(*command, args->data, kDataInput | kModelClasses);
  add_use_options(*command, *args);
  command->add_option("text", args->texts, "texts to classify (default: --data, else lines of stdin)");
  command->add_option("--format-out", args->format_out, "jsonl: one JSON object per text; csv: a header and one row per text")
      ->check(CLI::IsMember({"jsonl", "csv"}))->capture_default_str();
  command->add_option("--threshold", args->threshold, kThresholdHelp)->check(CLI::Range(0.0, 1.0))->capture_default_str();
  command->callback([args] { run_predict(*args); });
}

}  // namespace

void add_baseline_command(CLI::App& app) {
  CLI::App* baseline = app.add_subcommand(
      "baseline", "The TF-IDF baseline (logistic regression; one-vs-rest for multi-label, ridge for regression): train, evaluate, predict");
  baseline->require_subcommand(1);
  add_train(*baseline);
  add_evaluate(*baseline);
  add_predict(*baseline);
}

}  // namespace textclass::cli
