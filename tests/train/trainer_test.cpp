// train::Trainer on the tiny fixture model and a few hundred AG News rows: the loss goes down;
// a run interrupted mid-epoch and resumed from its checkpoint ends with the same bytes in
// model.safetensors as a run never interrupted; a diverging run stops with an Error naming the
// step; the run folder has HF's layout.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <set>

#include <nlohmann/json.hpp>

#include "../model/hf_fixtures.hpp"
#include "../support/scratch_dir.hpp"
#include "textclass/data/dataset.hpp"
#include "textclass/error.hpp"
#include "textclass/model/checkpoint.hpp"
#include "textclass/model/notebook_head_code.hpp"
#include "textclass/text/tokenizer.hpp"
#include "textclass/train/checkpoints.hpp"
#include "textclass/train/trainer.hpp"

namespace textclass::train {
namespace {

namespace fs = std::filesystem;
using textclass::testing::ScratchDir;

// AG News test rows [begin, end), tokenized by the tiny model's tokenizer (truncated to 48).
data::TokenRows agnews_rows(std::size_t begin, std::size_t end) {
  static const data::Dataset dataset = [] {
    data::DatasetSpec spec;
    spec.path_or_url = std::string(TEXTCLASS_SOURCE_DIR) + "/data/ag_news/test.csv";
    return data::read_dataset(spec);
  }();
  static const text::Tokenizer tokenizer = text::Tokenizer::load(textclass::testing::hf_fixture("tiny"));
  data::TokenRows rows;
  for (std::size_t i = begin; i < end; ++i) {
    rows.ids.push_back(tokenizer.encode(dataset.texts[i], 48).ids);
    rows.labels.push_back(dataset.labels[i]);
  }
  return rows;
}

// The tiny model with dropout switched on (its fixture has none), so that a resume must also
// replay every dropout mask; its config says the notebook's head (a textclass checkpoint of it),
// under which a model this small learns within these tests' few steps.
fs::path tiny_with_dropout(const fs::path& dir) {
  fs::create_directories(dir);
  for (const char* file : {"model.safetensors", "tokenizer.json", "tokenizer_config.json"})
    fs::copy_file(textclass::testing::hf_fixture("tiny") + "/" + file, dir / file);
  nlohmann::json config = nlohmann::json::parse(std::ifstream(textclass::testing::hf_fixture("tiny/config.json")));
  config["hidden_dropout_prob"] = 0.1;
  config["attention_probs_dropout_prob"] = 0.1;
  config["model_type"] = model::kNotebookHeadModelType;
  std::ofstream(dir / "config.json") << config.dump();
  return dir;
}

std::string file_bytes(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

struct Fixture {
  explicit Fixture(std::size_t train_rows = 200) : train(agnews_rows(0, train_rows)) {}

  ScratchDir scratch;
  std::unique_ptr<backend::Backend> backend = backend::make_cpu_backend();
  data::TokenRows train;
  data::TokenRows validation = agnews_rows(200, 260);
  fs::path model_dir = tiny_with_dropout(scratch.path() / "tiny");

  TrainerOptions options(const std::string& output) const {
    TrainerOptions o;
    o.learning_rate = 1e-3;
    o.logging_steps = 4;
    o.output_dir = scratch.path() / output;
    o.tokenizer_dir = model_dir;
    return o;
  }
  std::unique_ptr<model::Bert> load(const fs::path& dir) const {
    model::LoadOptions load;
    load.labels = {"World", "Sports", "Business", "Sci/Tech"};
    load.init_seed = 1122;
    return model::load_bert(*backend, dir.string(), load);
  }
};

std::vector<double> logged(const TrainerState& state, const char* key) {
  std::vector<double> values;
  for (const auto& row : state.log_history)
    if (row.contains(key)) values.push_back(row[key].get<double>());
  return values;
}

TEST(Trainer, LossGoesDownAndTheRunFolderHasHFLayout) {
  Fixture f;
  auto bert = f.load(f.model_dir);
  TrainerOptions options = f.options("run");
  options.epochs = 3;
  options.learning_rate = 1e-2;  // a tiny random model learns little from 200 rows at the usual rates
  Trainer trainer(*bert, f.train, f.validation, options, 0);
  EXPECT_EQ(trainer.total_steps(), 3 * 13);  // ceil(200 / 16) batches per epoch
  ASSERT_TRUE(trainer.train());

  const std::vector<double> loss = logged(trainer.state(), "loss");
  const std::vector<double> eval_loss = logged(trainer.state(), "eval_loss");
  ASSERT_EQ(loss.size(), 9u);       // every 4 steps of 39
  ASSERT_EQ(eval_loss.size(), 3u);  // every epoch
  EXPECT_LT(loss.back(), loss.front() - 0.1);
  // 60 held-out rows are too few to show a tiny model generalising, but it must have fitted the
  // rows it saw: 4 classes, so a model that learnt nothing is right about a quarter of the time.
  Predictor predictor(*bert, 32, 0);
  EXPECT_GT(accuracy(predictor.predict(f.train), f.train.labels), 0.45);

  const fs::path run = options.output_dir;
  for (const char* file : {"config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json", "log.jsonl"})
    EXPECT_TRUE(fs::exists(run / file)) << file;
  for (int step : {13, 26, 39}) {
    const fs::path checkpoint = run / ("checkpoint-" + std::to_string(step));
    for (const char* file : {"config.json", "model.safetensors", "tokenizer.json", "optimizer.safetensors", "trainer_state.json"})
      EXPECT_TRUE(fs::exists(checkpoint / file)) << checkpoint << "/" << file;
  }
  EXPECT_EQ(latest_checkpoint(run), run / "checkpoint-39");
  EXPECT_EQ(file_bytes(run / "model.safetensors"), file_bytes(run / "checkpoint-39/model.safetensors"));
  const nlohmann::json config = nlohmann::json::parse(std::ifstream(run / "config.json"));
  EXPECT_EQ(config["id2label"]["3"], "Sci/Tech");
  EXPECT_EQ(config["label2id"]["Business"], 2);

  // log.jsonl holds the history, one row per line, training rows in the shared format
  std::ifstream log(run / "log.jsonl");
  std::string line;
  std::size_t lines = 0;
  while (std::getline(log, line)) {
    const nlohmann::json row = nlohmann::json::parse(line);
    EXPECT_EQ(row, nlohmann::json(trainer.state().log_history[lines++]));
  }
  EXPECT_EQ(lines, 12u);
  const auto& first = trainer.state().log_history.front();
  for (const char* key : {"step", "epoch", "loss", "learning_rate", "grad_norm"}) EXPECT_TRUE(first.contains(key)) << key;
  EXPECT_NEAR(first["learning_rate"].get<double>(), 1e-2 * (39 - 4) / 39.0, 1e-12);
}

struct ResumeCase {
  long gradient_accumulation;
  long stop_at;
};

class TrainerResume : public ::testing::TestWithParam<ResumeCase> {};

TEST_P(TrainerResume, ResumedRunEndsWithTheSameBytes) {
  const ResumeCase c = GetParam();
  Fixture f(128);  // 8 batches an epoch
  TrainerOptions options = f.options("straight");
  options.gradient_accumulation = c.gradient_accumulation;
  options.group_by_length = true;
  {
    auto bert = f.load(f.model_dir);
    Trainer trainer(*bert, f.train, f.validation, options, 0);
    ASSERT_TRUE(trainer.train());
  }

  options.output_dir = f.scratch.path() / "interrupted";
  {
    auto bert = f.load(f.model_dir);
    TrainerOptions stopping = options;
    stopping.stop_requested = [&](long step) { return step == c.stop_at; };
    Trainer trainer(*bert, f.train, f.validation, stopping, 0);
    ASSERT_FALSE(trainer.train());
    EXPECT_EQ(trainer.state().global_step, c.stop_at);
    EXPECT_NE(trainer.state().batch_in_epoch, 0u) << "the stop should fall mid-epoch";
    EXPECT_FALSE(fs::exists(options.output_dir / "model.safetensors"));
  }
  {
    const std::optional<fs::path> checkpoint = latest_checkpoint(options.output_dir);
    ASSERT_EQ(checkpoint, options.output_dir / ("checkpoint-" + std::to_string(c.stop_at)));
    auto bert = f.load(*checkpoint);
    Trainer trainer(*bert, f.train, f.validation, options, 0);
    trainer.resume_from(*checkpoint);
    ASSERT_TRUE(trainer.train());
  }
  const fs::path straight = f.scratch.path() / "straight", resumed = options.output_dir;
  const std::string expected = file_bytes(straight / "model.safetensors");
  ASSERT_GT(expected.size(), 1000u);
  EXPECT_TRUE(file_bytes(resumed / "model.safetensors") == expected) << "the resumed run's weights differ";
  EXPECT_EQ(file_bytes(resumed / "log.jsonl"), file_bytes(straight / "log.jsonl"));
}

INSTANTIATE_TEST_SUITE_P(MidEpoch, TrainerResume,
                         ::testing::Values(ResumeCase{1, 11}, ResumeCase{3, 4}),
                         [](const auto& info) { return "accumulation" + std::to_string(info.param.gradient_accumulation); });

// A tiny model at a high learning rate fits 200 rows and soon does worse on 60 others: the
// validation loss falls, then rises, and early stopping ends the run at the best evaluation plus
// the patience; the final model is the best checkpoint's, the one checkpoint kept beside the newest.
TEST(Trainer, EarlyStoppingStopsWhereTheValidationCurveTurnsAndKeepsTheBest) {
  Fixture f;
  auto bert = f.load(f.model_dir);
  TrainerOptions options = f.options("early");
  options.epochs = 8;
  options.learning_rate = 1e-2;
  options.eval_steps = 2;
  options.best_model.patience = 3;
  options.save_total_limit = 1;
  Trainer trainer(*bert, f.train, f.validation, options, 0);
  ASSERT_TRUE(trainer.train());

  std::vector<std::pair<long, double>> evaluations;  // (step, eval_loss)
  for (const auto& row : trainer.state().log_history)
    if (row.contains("eval_loss")) evaluations.emplace_back(row["step"].get<long>(), row["eval_loss"].get<double>());
  ASSERT_GE(evaluations.size(), 4u);
  const auto best = std::min_element(evaluations.begin(), evaluations.end(),
                                     [](const auto& a, const auto& b) { return a.second < b.second; });
  ASSERT_LT(trainer.state().global_step, trainer.total_steps()) << "the validation loss never turned";
  EXPECT_EQ(best + 4, evaluations.end()) << "stopped 3 evaluations after the best";
  EXPECT_LT(best->second, evaluations.front().second) << "the curve fell first";
  EXPECT_EQ(trainer.state().global_step, best->first + 3 * 2);
  EXPECT_EQ(trainer.state().best.best_global_step, best->first);
  EXPECT_EQ(trainer.state().best.best_metric, best->second);

  const fs::path run = options.output_dir;
  const fs::path best_dir = run / ("checkpoint-" + std::to_string(best->first));
  EXPECT_EQ(trainer.state().best_model_checkpoint, best_dir.string());
  EXPECT_EQ(file_bytes(run / "model.safetensors"), file_bytes(best_dir / "model.safetensors"));
  const fs::path newest = run / ("checkpoint-" + std::to_string(trainer.state().global_step));
  std::set<fs::path> kept;
  for (const auto& entry : fs::directory_iterator(run))
    if (entry.is_directory()) kept.insert(entry.path());
  EXPECT_EQ(kept, (std::set<fs::path>{best_dir, newest}));
  // the newest checkpoint's state names the best, for --resume
  const TrainerState saved = read_trainer_state(newest / "trainer_state.json");
  EXPECT_EQ(saved.best_model_checkpoint, best_dir.string());
  EXPECT_EQ(saved.best.evaluations_without_improvement, 3);
}

TEST(Trainer, ShortRunsLogAtLeastFiftyRows) {
  Fixture f(64);
  auto bert = f.load(f.model_dir);
  TrainerOptions options = f.options("short");
  options.logging_steps = 0;  // the default
  options.max_steps = 120;
  EXPECT_EQ(Trainer(*bert, f.train, f.validation, options, 0).logging_steps(), 2);
  options.max_steps = 30;
  EXPECT_EQ(Trainer(*bert, f.train, f.validation, options, 0).logging_steps(), 1);
  options.max_steps = 100000;
  EXPECT_EQ(Trainer(*bert, f.train, f.validation, options, 0).logging_steps(), 500);
  options.logging_steps = 7;
  EXPECT_EQ(Trainer(*bert, f.train, f.validation, options, 0).logging_steps(), 7);
}

TEST(Trainer, ResumeRefusesAnotherBatchSize) {
  Fixture f(64);
  TrainerOptions options = f.options("run");
  options.max_steps = 2;
  options.save_steps = 2;
  {
    auto bert = f.load(f.model_dir);
    Trainer(*bert, f.train, f.validation, options, 0).train();
  }
  options.batch_size = 8;
  auto bert = f.load(options.output_dir / "checkpoint-2");
  Trainer trainer(*bert, f.train, f.validation, options, 0);
  try {
    trainer.resume_from(options.output_dir / "checkpoint-2");
    FAIL() << "resumed with another batch size";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("batch size 16, not 8"), std::string::npos) << e.what();
  }
}

TEST(Trainer, DivergingLossStopsWithTheStep) {
  Fixture f(64);
  auto bert = f.load(f.model_dir);
  TrainerOptions options = f.options("diverge");
  options.learning_rate = 1e30;
  Trainer trainer(*bert, f.train, f.validation, options, 0);
  try {
    trainer.train();
    FAIL() << "trained through an absurd learning rate";
  } catch (const Error& e) {
    const std::string message = e.what();
    EXPECT_EQ(message.rfind("step ", 0), 0u) << message;
    const bool names_the_value = message.find(": the loss is") != std::string::npos ||
                                 message.find(": the gradient norm is") != std::string::npos;
    const bool not_finite = message.find("nan") != std::string::npos || message.find("inf") != std::string::npos;
    EXPECT_TRUE(names_the_value && not_finite) << message;
  }
}

}  // namespace
}  // namespace textclass::train
