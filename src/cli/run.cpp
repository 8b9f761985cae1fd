// textclass run: the whole notebook in one command, with its defaults. AG News from the notebook's
// URLs (offline: the bundled test rows, protocol mod5-0), the notebook's 90/10 split, fine-tuning
// bert-base-cased (offline: a small BERT trained from scratch) with per-epoch validation, the test
// report, and the TF-IDF + logistic-regression baseline on the same rows:
//   <output>/bert/      the trained model, log.jsonl, metrics.json (the test rows)
//   <output>/baseline/  metrics.json (the test rows)
//   <output>/comparison/ comparison.md and comparison.html, as `textclass compare` writes them
#include <algorithm>
#include <cstdlib>
#include <fmt/core.h>
#include <memory>
#include <optional>

#include "cli/commands.hpp"
#include "cli/device_options.hpp"
#include "cli/model_dir.hpp"
#include "cli/scratch_bert.hpp"
#include "textclass/backend/backend.hpp"
#include "textclass/data/dataset.hpp"
#include "textclass/data/split.hpp"
#include "textclass/error.hpp"
#include "textclass/hub/hub_settings.hpp"
#include "textclass/linear/text_classifier.hpp"
#include "textclass/model/checkpoint.hpp"
#include "textclass/report/comparison_markdown.hpp"
#include "textclass/report/comparison_run.hpp"
#include "textclass/report/files.hpp"
#include "textclass/report/html_comparison.hpp"
#include "textclass/report/metrics.hpp"
#include "textclass/text/tokenizer.hpp"
#include "textclass/train/encode_rows.hpp"
#include "textclass/train/predictor.hpp"
#include "textclass/train/trainer.hpp"

namespace textclass::cli {
namespace {

namespace fs = std::filesystem;

constexpr const char* kTrainUrl =
    "https://raw.githubusercontent.com/mhjabreel/CharCnn_Keras/master/data/ag_news_csv/train.csv";
constexpr const char* kTestUrl =
    "https://raw.githubusercontent.com/mhjabreel/CharCnn_Keras/master/data/ag_news_csv/test.csv";
constexpr const char* kDefaultModel = "bert-base-cased";

struct RunOptions {
  std::string model = kDefaultModel;
  std::string output = "run";
  bool offline = false;
  DeviceOptions device;
  std::size_t max_length = 0;  // 0: the model's default (the tokenizer's model_max_length)
  std::optional<double> learning_rate;  // unset: the Trainer's, or the small BERT's own
  data::SplitOptions split;    // the notebook's: train_test_split(train_size=0.9), seed 1122
  train::TrainerOptions trainer;
};

struct RunData {
  data::Dataset train, validation, test;
  std::string description;  // for metrics.json's "data"
};

fs::path bundled(const std::string& relative) {
  if (std::optional<fs::path> found = find_bundled(relative)) return *found;
  throw Error("data/" + relative + " not found (run from the repository, or next to its data/ folder)");
}

// The notebook's AG News; offline, the 7,600 bundled test rows split by row number.
RunData load_data(const RunOptions& options) {
  data::DatasetSpec spec;
  spec.classes = bundled("ag_news/classes.txt").string();
  RunData run;
  bool downloaded = false;
  if (!options.offline) {
    try {
      spec.path_or_url = kTrainUrl;
      run.train = data::read_dataset(spec);
      spec.path_or_url = kTestUrl;
      run.test = data::read_dataset(spec);
      run.description = "AG News (" + std::string(kTestUrl) + ")";
      downloaded = true;
    } catch (const Error& e) {
      fmt::print("AG News cannot be downloaded: {}\n", e.what());
    }
  }
  if (!downloaded) {
    spec.path_or_url = bundled("ag_news/test.csv").string();
    const data::Dataset rows = data::read_dataset(spec);
    std::vector<std::size_t> train_rows, test_rows;
    for (std::size_t i = 0; i < rows.size(); ++i) (i % 5 == 0 ? test_rows : train_rows).push_back(i);
    run.train = data::subset(rows, train_rows);
    run.test = data::subset(rows, test_rows);
    run.description = spec.path_or_url + " (mod5-0 test rows)";
    fmt::print("offline: the bundled {} rows of {}, protocol mod5-0: row i is a test row when i % 5 == 0 "
               "({} rows), the other {} are the training data\n",
               rows.size(), spec.path_or_url, run.test.size(), run.train.size());
  }
  const data::Split split = data::split_rows(run.train.labels, options.split);
  run.validation = data::subset(run.train, split.validation);
  run.train = data::subset(run.train, split.train);
  fmt::print("data: {} training, {} validation ({} split of the training data, train fraction {}, seed {}), "
             "{} test rows\n",
             run.train.size(), run.validation.size(), data::split_mode_name(options.split.mode),
             options.split.train_fraction, options.split.seed, run.test.size());
  return run;
}

struct RunModel {
  std::unique_ptr<model::Bert> bert;
  fs::path tokenizer_dir;
  std::string name;  // for metrics.json's "model"
  bool from_scratch = false;
};

// --model when given; else bert-base-cased from the hub (or its cache), else the small BERT.
RunModel load_model(const RunOptions& options, bool model_given, backend::Backend& backend,
                    const std::vector<std::string>& class_names) {
  model::LoadOptions load;
  load.head = model::Head::cls_linear;  // the notebook's head, which `run` reproduces
  load.labels = class_names;
  load.init_seed = options.trainer.seed;
  try {
    const hub::ModelFiles files = resolve_model_files(options.model, hub::Need::weights);
    fmt::print("model: {} ({}: {})\n", options.model, files.origin, files.dir.string());
    return {model::load_bert(backend, files.dir.string(), load), files.dir, options.model, false};
  } catch (const Error& e) {
    if (model_given) throw;
    fmt::print("{} cannot be had: {}\n", kDefaultModel, e.what());
  }
  const fs::path tokenizer_dir = resolve_model_dir(kDefaultModel);
  const text::Tokenizer tokenizer = text::Tokenizer::load(tokenizer_dir);
  const model::BertConfig config = scratch_bert_config(static_cast<int>(tokenizer.vocab_size()), class_names);
  fmt::print("model: a small BERT trained from scratch (hidden {}, {} layers, {} heads, intermediate {}) with "
             "{}'s tokenizer; its scores are far below a fine-tuned {}'s\n",
             config.hidden_size, config.num_hidden_layers, config.num_attention_heads, config.intermediate_size,
             kDefaultModel, kDefaultModel);
  return {make_scratch_bert(backend, config, options.trainer.seed), tokenizer_dir, "small BERT from scratch", true};
}

void write_metrics(const report::Metrics& metrics, const std::string& model, const RunData& data,
                   const fs::path& folder) {
  fs::create_directories(folder);
  report::write_file_atomically(folder / "metrics.json",
                                report::metrics_to_json(metrics, model, data.description).dump(2) + "\n");
}

void print_report(const std::string& title, const report::Metrics& metrics) {
  fmt::print("\n== {}\n{}\n{}", title, report::classification_report(metrics), report::confusion_matrix_text(metrics));
}

void train_and_test_bert(const RunOptions& options, bool model_given, const RunData& data) {
  const std::unique_ptr<backend::Backend> backend = make_backend(options.device);
  RunModel model = load_model(options, model_given, *backend, data.train.class_names);
  const text::Tokenizer tokenizer = text::Tokenizer::load(model.tokenizer_dir);
  const std::size_t max_length = options.max_length > 0 ? options.max_length
                                 : model.from_scratch   ? kScratchMaxLength
                                                        : tokenizer.model_max_length();
  const auto encode = [&](const data::Dataset& rows) {
    return train::encode_rows(tokenizer, rows.texts, rows.labels, max_length, rows.source);
  };
  const data::TokenRows train_rows = encode(data.train), validation_rows = encode(data.validation),
                        test_rows = encode(data.test);

  train::TrainerOptions trainer_options = options.trainer;
  trainer_options.output_dir = fs::path(options.output) / "bert";
  trainer_options.tokenizer_dir = model.tokenizer_dir;
  trainer_options.learning_rate =
      options.learning_rate.value_or(model.from_scratch ? kScratchLearningRate : trainer_options.learning_rate);
  train::Trainer trainer(*model.bert, train_rows, validation_rows, trainer_options, tokenizer.pad_id());
  fmt::print("\n== training: {} steps on {}\n", trainer.total_steps(), backend->name());
  std::fflush(stdout);
  trainer.train();
  for (const nlohmann::ordered_json& row : trainer.state().log_history) {
    if (row.contains("eval_accuracy")) {
      fmt::print("epoch {:.2f}: validation accuracy {:.4f}, loss {:.4f}\n", row["epoch"].get<double>(),
                 row["eval_accuracy"].get<double>(), row["eval_loss"].get<double>());
    }
  }

  train::Predictor predictor(*model.bert, options.trainer.eval_batch_size, tokenizer.pad_id());
  const train::Predictions predictions = predictor.predict(test_rows);
  report::Metrics metrics = report::compute_metrics(data.test.labels, predictions.label_ids, data.test.class_names);
  metrics.loss = train::mean_cross_entropy(predictions, data.test.labels);
  write_metrics(metrics, model.name, data, trainer_options.output_dir);
  print_report("test report: " + model.name, metrics);
}

// The baseline with its defaults (word 1-2-grams, sublinear TF-IDF, C = 10) on the same rows.
void train_and_test_baseline(const RunOptions& options, const RunData& data) {
  linear::TextClassifier baseline;
  baseline.class_names = data.train.class_names;
  baseline.fit(data.train.texts, data.train.labels);
  const std::vector<double> probs = baseline.predict_scores(data.test.texts);
  const std::size_t classes = data.train.class_names.size();
  std::vector<int> predicted(data.test.size());
  for (std::size_t row = 0; row < predicted.size(); ++row) {  // argmax, the first of equals
    const auto first = probs.begin() + static_cast<std::ptrdiff_t>(row * classes);
    predicted[row] = static_cast<int>(std::max_element(first, first + static_cast<std::ptrdiff_t>(classes)) - first);
  }
  const report::Metrics metrics = report::compute_metrics(data.test.labels, predicted, data.test.class_names);
  write_metrics(metrics, "TF-IDF + logistic regression", data, fs::path(options.output) / "baseline");
  print_report("test report: TF-IDF + logistic regression baseline", metrics);
}

// `textclass compare` of the two run folders, into <output>/comparison.
void compare(const RunOptions& options) {
  const fs::path output(options.output);
  const std::vector<report::ComparedRun> runs = report::load_compared_runs({output / "bert", output / "baseline"});
  fs::create_directories(output / "comparison");
  const std::string markdown = report::comparison_markdown(runs);
  report::write_file_atomically(output / "comparison" / "comparison.md", markdown);
  report::write_file_atomically(output / "comparison" / "comparison.html", report::comparison_html(runs));
  fmt::print("\n== comparison\n{}", markdown);
}

void run(const RunOptions& options, bool model_given) {
  // HF_HUB_OFFLINE also keeps the data from being downloaded; --offline sets it for the hub.
  RunOptions resolved = options;
  resolved.offline = options.offline || hub::HubSettings::from_environment().offline;
  if (resolved.offline) setenv("HF_HUB_OFFLINE", "1", 1);
  const RunData data = load_data(resolved);
  train_and_test_bert(resolved, model_given, data);
  train_and_test_baseline(resolved, data);
  compare(resolved);
  fmt::print("\nresults in {}: bert/, baseline/, comparison/comparison.{{md,html}}\n", resolved.output);
}

}  // namespace

void add_run_command(CLI::App& app) {
  auto options = std::make_shared<RunOptions>();
  CLI::App* command = app.add_subcommand(
      "run", "The whole notebook: AG News, the 90/10 split, fine-tuning bert-base-cased with the notebook's head "
             "(cls_linear: dropout and linear on [CLS], no pooler) and per-epoch validation, the test report, and the "
             "TF-IDF baseline (offline: bundled rows and a small BERT from scratch)");
  CLI::Option* model = command->add_option("--model", options->model,
                                            "model folder or HuggingFace hub name without a classifier (default: "
                                            "bert-base-cased, else a small BERT trained from scratch)");
  command->add_option("--output", options->output, "folder for the results")->capture_default_str();
  command->add_flag("--offline", options->offline,
                    "no network: the bundled AG News rows, models from the hub cache only (as HF_HUB_OFFLINE=1)");
  add_device_options(*command, options->device, ModelUse::training);
  command->add_option("--max-length", options->max_length,
                      fmt::format("truncate texts to this many tokens (default: the model's; the small BERT's {})",
                                  kScratchMaxLength));
  train::TrainerOptions& trainer = options->trainer;
  command->add_option("--epochs", trainer.epochs, "training epochs")->capture_default_str();
  command->add_option("--max-steps", trainer.max_steps, "> 0: train exactly this many steps instead")
      ->capture_default_str();
  command->add_option("--batch-size", trainer.batch_size, "training batch size")->capture_default_str();
  command->add_option("--eval-batch-size", trainer.eval_batch_size, "evaluation batch size")->capture_default_str();
  command->add_option("--learning-rate", options->learning_rate,
                      fmt::format("peak learning rate (default: {}; the small BERT's {})", trainer.learning_rate,
                                  kScratchLearningRate));
  command->add_option("--seed", trainer.seed, "seed of training (shuffling, dropout, new layers)")
      ->capture_default_str();
  command->callback([options, model] { run(*options, model->count() > 0); });
}

}  // namespace textclass::cli
