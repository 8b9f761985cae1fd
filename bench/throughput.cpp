// Training and inference throughput of the BERT engine at the notebook's settings, to set beside
// bench/hf_anchor.py's numbers from the same machine in the same run (bench/compare_throughput.py
// pairs the two). AG News rows tokenized with bert-base-cased's tokenizer, dynamic padding, a
// model with random weights (the arithmetic does not depend on them), the notebook's head.
//
// Prints JSON lines: one describing the run; then per training batch size, after --warmup steps,
// the rate of --steps steps of exactly what train::Trainer does per step (train::TrainingStep:
// forward with dropout, backward, global grad norm and clipping, AdamW on the linear schedule); then per
// prediction batch size, the rate of train::Predictor over every row (evaluate's and predict's
// path). Each configuration gets a fresh backend and model, so its peak memory is its own.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <numeric>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/chrono.h>
#include <fmt/core.h>
#include <nlohmann/json.hpp>
#include <omp.h>

#include "cli/scratch_bert.hpp"
#include "textclass/data/batcher.hpp"
#include "textclass/data/dataset.hpp"
#include "textclass/data/rng.hpp"
#include "textclass/backend/device.hpp"
#include "textclass/error.hpp"
#include "textclass/model/bert_config.hpp"
#include "textclass/text/tokenizer.hpp"
#include "textclass/train/encode_rows.hpp"
#include "textclass/train/linear_schedule.hpp"
#include "textclass/train/predictor.hpp"
#include "textclass/train/trainer_options.hpp"
#include "textclass/train/training_step.hpp"

namespace {

using namespace textclass;
using json = nlohmann::ordered_json;

// The default paths are the repository's, relative so that a binary carried to another machine
// finds them when run from the repository root there.
struct Args {
  std::string data = "data/ag_news/test.csv";
  std::string tokenizer = "data/bert-base-cased";
  std::string config = "data/bert-base-cased/config.json";
  backend::DeviceOptions device{"cpu", "fp32"};
  std::size_t rows = 0;  // 0: every row of --data
  std::vector<std::size_t> batch_sizes = {16, 32, 64};
  std::vector<std::size_t> predict_batch_sizes = {16, 256};
  long warmup = 20;
  long steps = 200;
};

// The one place the benchmark makes a backend.
std::unique_ptr<backend::Backend> make_backend(const Args& args) {
  return backend::make_backend(args.device);
}

double rounded(double value, int decimals) {
  const double scale = std::pow(10.0, decimals);
  return std::round(value * scale) / scale;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

double peak_gib(const backend::Backend& backend) {
  return rounded(static_cast<double>(backend.memory_use().peak) / (1 << 30), 2);
}

void print_line(const json& line) {
  fmt::print("{}\n", line.dump());
  std::fflush(stdout);  // lines arrive as configurations finish, even through a pipe
}

// Token counts as hf_anchor.py reports them, from the sorted lengths.
json describe_run(const Args& args, const data::TokenRows& rows, double tokenize_s) {
  std::vector<std::size_t> lengths;
  for (const auto& ids : rows.ids) lengths.push_back(ids.size());
  std::sort(lengths.begin(), lengths.end());
  const double total = static_cast<double>(std::accumulate(lengths.begin(), lengths.end(), std::size_t{0}));
  return {{"device", args.device.device},
          {"precision", args.device.precision},
          {"threads", args.device.threads > 0 ? args.device.threads : omp_get_max_threads()},
          {"data", args.data},
          {"config", args.config},
          {"rows", rows.size()},
          {"tokenize_s", rounded(tokenize_s, 3)},
          {"tokens_mean", rounded(total / static_cast<double>(lengths.size()), 2)},
          {"tokens_p50", lengths[lengths.size() / 2]},
          {"tokens_p99", lengths[static_cast<std::size_t>(static_cast<double>(lengths.size()) * 0.99)]},
          {"tokens_max", lengths.back()},
          {"warmup", args.warmup},
          {"steps", args.steps},
          {"date", fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", fmt::gmtime(std::time(nullptr)))}};
}

// --warmup untimed steps, then --steps timed ones, each as Trainer::run_step takes it (no
// gradient accumulation) with the notebook's recipe: TrainerOptions' defaults.
json time_training(const Args& args, const model::BertConfig& config, const data::TokenRows& rows,
                   std::int32_t pad_id, std::size_t batch_size) {
  const train::TrainerOptions recipe;
  auto backend = make_backend(args);
  auto bert = cli::make_scratch_bert(*backend, config, recipe.seed);
  train::TrainingStep training_step(*bert, recipe.weight_decay, recipe.max_grad_norm);
  const train::LinearSchedule schedule(recipe.learning_rate, recipe.warmup_steps, args.warmup + args.steps);
  data::Batcher batcher(rows, {batch_size, true, recipe.group_by_length, recipe.seed, pad_id,
                               train::padding_multiple(*bert)});
  data::Rng dropout_seeds(recipe.seed);
  long step = 0;

  // Returns the batch's rows, real tokens and padded tokens (rows x the longest): the last batch
  // of an epoch may be short, so none is assumed.
  struct Work {
    std::size_t rows = 0, tokens = 0, padded = 0;
  };
  const auto train_step = [&]() -> Work {
    const data::Batch batch = batcher.next_batch();
    training_step.start(step + 1);
    training_step.add_batch(train::model_inputs(batch), dropout_seeds.next());
    training_step.apply(schedule.lr(step));
    ++step;
    return {batch.rows.size(),
            static_cast<std::size_t>(std::count(batch.attention_mask.begin(), batch.attention_mask.end(), 1)),
            batch.attention_mask.size()};
  };

  for (long i = 0; i < args.warmup; ++i) train_step();
  backend->synchronize();
  const auto start = std::chrono::steady_clock::now();
  Work timed;
  for (long i = 0; i < args.steps; ++i) {
    const Work work = train_step();
    timed.rows += work.rows;
    timed.tokens += work.tokens;
    timed.padded += work.padded;
  }
  backend->synchronize();
  const double seconds = seconds_since(start);
  return {{"train", fmt::format("{}_b{}", args.device.precision, batch_size)},
          {"batch", batch_size},
          {"steps_per_s", rounded(static_cast<double>(args.steps) / seconds, 3)},
          {"samples_per_s", rounded(static_cast<double>(timed.rows) / seconds, 2)},
          {"tokens_per_s", rounded(static_cast<double>(timed.tokens) / seconds, 1)},
          {"padding_share", rounded(1.0 - static_cast<double>(timed.tokens) / static_cast<double>(timed.padded), 3)},
          {"peak_mem_gb", peak_gib(*backend)}};
}

// One pass of train::Predictor over every row, as `textclass evaluate` and `predict` run it.
json time_prediction(const Args& args, const model::BertConfig& config, const data::TokenRows& rows,
                     std::int32_t pad_id, std::size_t batch_size) {
  auto backend = make_backend(args);
  auto bert = cli::make_scratch_bert(*backend, config, train::TrainerOptions{}.seed);
  train::Predictor predictor(*bert, batch_size, pad_id);
  backend->synchronize();
  const auto start = std::chrono::steady_clock::now();
  predictor.predict(rows);
  backend->synchronize();
  const double seconds = seconds_since(start);
  return {{"predict", fmt::format("{}_b{}", args.device.precision, batch_size)},
          {"batch", batch_size},
          {"samples_per_s", rounded(static_cast<double>(rows.size()) / seconds, 2)},
          {"peak_mem_gb", peak_gib(*backend)}};
}

void run(const Args& args) {
  data::DatasetSpec spec;
  spec.path_or_url = args.data;
  data::Dataset dataset = data::read_dataset(spec);
  if (args.rows > 0 && args.rows < dataset.size()) {
    std::vector<std::size_t> first(args.rows);
    std::iota(first.begin(), first.end(), std::size_t{0});
    dataset = data::subset(dataset, first);
  }
  const text::Tokenizer tokenizer = text::Tokenizer::load(args.tokenizer);
  const auto tokenize_start = std::chrono::steady_clock::now();
  const data::TokenRows rows =
      train::encode_rows(tokenizer, dataset.texts, dataset.labels, tokenizer.model_max_length(), dataset.source);
  print_line(describe_run(args, rows, seconds_since(tokenize_start)));

  model::BertConfig config = model::load_config(args.config);
  config.labels = dataset.class_names;  // AG News's 4 classes, whatever config.json says
  for (std::size_t batch_size : args.batch_sizes)
    print_line(time_training(args, config, rows, tokenizer.pad_id(), batch_size));
  for (std::size_t batch_size : args.predict_batch_sizes)
    print_line(time_prediction(args, config, rows, tokenizer.pad_id(), batch_size));
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  CLI::App app("BERT training and inference throughput at the notebook's settings, as JSON lines");
  app.add_option("--data", args.data, "AG News CSV (class, title, description)")->capture_default_str();
  app.add_option("--rows", args.rows, "use the first N rows (0: all)")->capture_default_str();
  app.add_option("--tokenizer", args.tokenizer, "tokenizer folder")->capture_default_str();
  app.add_option("--config", args.config, "model config.json (random weights; 4 labels)")->capture_default_str();
  app.add_option("--device", args.device.device, "backend, as textclass train --device")->capture_default_str();
  app.add_option("--precision", args.device.precision, "fp32, or on cuda tf32 or bf16 (tensor-core matmuls)")
      ->check(CLI::IsMember({"fp32", "tf32", "bf16"}))->capture_default_str();
  app.add_option("--threads", args.device.threads, "CPU threads (0: all cores)")->check(CLI::NonNegativeNumber)->capture_default_str();
  app.add_option("--batch-sizes", args.batch_sizes, "training batch sizes")
      ->delimiter(',')->check(CLI::PositiveNumber)->capture_default_str();
  app.add_option("--predict-batch-sizes", args.predict_batch_sizes, "prediction batch sizes")
      ->delimiter(',')->check(CLI::PositiveNumber)->capture_default_str();
  app.add_option("--warmup", args.warmup, "untimed training steps per batch size")
      ->check(CLI::NonNegativeNumber)->capture_default_str();
  app.add_option("--steps", args.steps, "timed training steps per batch size")->check(CLI::PositiveNumber)->capture_default_str();
  app.add_flag("--profile", args.device.profile, "on cuda: time every GPU op, print a table to stderr at the end");
  CLI11_PARSE(app, argc, argv);
  try {
    run(args);
  } catch (const std::exception& e) {
    fmt::print(stderr, "throughput: {}\n", e.what());
    return 1;
  }
  return 0;
}
