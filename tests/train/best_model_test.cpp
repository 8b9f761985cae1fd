// train::BestModel against HF's rules: strictly better is better, loss lower and other metrics
// higher unless told, the early-stopping count resets only on an improvement above the threshold;
// trainer_state.json keeps all of it for --resume; rotate_checkpoints keeps what HF keeps.
#include <gtest/gtest.h>

#include <fstream>

#include "../support/scratch_dir.hpp"
#include "textclass/error.hpp"
#include "textclass/train/best_model.hpp"
#include "textclass/train/checkpoints.hpp"
#include "textclass/train/trainer_state.hpp"

namespace textclass::train {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::ordered_json;

json eval_row(double loss, double accuracy) { return {{"step", 0}, {"eval_loss", loss}, {"eval_accuracy", accuracy}}; }

TEST(BestModel, LossIsBetterLowerAndPatienceCountsEvaluationsWithoutANewBest) {
  BestModel best({"loss", std::nullopt, 2, 0.0});
  EXPECT_EQ(best.key(), "eval_loss");
  EXPECT_TRUE(best.observe(eval_row(0.9, 0.5), 10));
  EXPECT_TRUE(best.observe(eval_row(0.7, 0.6), 20));
  EXPECT_FALSE(best.observe(eval_row(0.7, 0.9), 30));  // equal is not better
  EXPECT_FALSE(best.should_stop());
  EXPECT_FALSE(best.observe(eval_row(0.8, 0.9), 40));
  EXPECT_TRUE(best.should_stop());
  EXPECT_EQ(best.state().best_global_step, 20);
  EXPECT_EQ(best.state().best_metric, 0.7);
  EXPECT_EQ(best.state().evaluations_without_improvement, 2);
}

TEST(BestModel, OtherMetricsAreBetterHigherUnlessTold) {
  BestModel accuracy({"eval_accuracy", std::nullopt, 0, 0.0});
  accuracy.observe(eval_row(0.9, 0.5), 1);
  EXPECT_TRUE(accuracy.observe(eval_row(1.5, 0.6), 2));
  EXPECT_FALSE(accuracy.should_stop());  // no patience: never stops

  BestModel lower_accuracy({"accuracy", false, 0, 0.0});
  lower_accuracy.observe(eval_row(0.9, 0.5), 1);
  EXPECT_FALSE(lower_accuracy.observe(eval_row(0.9, 0.6), 2));
  EXPECT_EQ(lower_accuracy.state().best_global_step, 1);
}

// HF's default greater_is_better is False for a metric ending in "loss"; regression's errors too.
TEST(BestModel, HammingLossAndRegressionErrorsAreBetterLower) {
  for (const char* metric : {"hamming_loss", "eval_mse", "mae"}) {
    BestModel best({metric, std::nullopt, 0, 0.0});
    const std::string key = best.key();
    best.observe({{key, 0.5}}, 1);
    EXPECT_TRUE(best.observe({{key, 0.25}}, 2)) << metric;
    EXPECT_FALSE(best.observe({{key, 0.75}}, 3)) << metric;
  }
  BestModel r2({"r2", std::nullopt, 0, 0.0});
  r2.observe({{"eval_r2", 0.5}}, 1);
  EXPECT_TRUE(r2.observe({{"eval_r2", 0.75}}, 2));
}

TEST(BestModel, AnImprovementWithinTheThresholdIsANewBestThatDoesNotResetTheCount) {
  BestModel best({"loss", std::nullopt, 2, 0.05});
  best.observe(eval_row(1.0, 0), 1);
  EXPECT_TRUE(best.observe(eval_row(0.99, 0), 2));  // the best model, as HF's _determine_best_metric
  EXPECT_EQ(best.state().evaluations_without_improvement, 1);  // but not enough for the callback
  EXPECT_TRUE(best.observe(eval_row(0.9, 0), 3));
  EXPECT_EQ(best.state().evaluations_without_improvement, 0);
}

TEST(BestModel, NaNIsNeverBest) {
  BestModel best({"loss", std::nullopt, 1, 0.0});
  EXPECT_FALSE(best.observe(eval_row(std::nan(""), 0), 1));
  EXPECT_FALSE(best.state().best_metric.has_value());
  EXPECT_TRUE(best.should_stop());
}

TEST(BestModel, AnUnknownMetricNamesTheOnesThereAre) {
  BestModel best({"f1", std::nullopt, 0, 0.0});
  try {
    best.observe(eval_row(1, 0.5), 1);
    FAIL() << "observed a metric the row does not have";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "--metric-for-best-model f1: the evaluation has no such metric (it has: loss, accuracy)");
  }
}

TEST(BestModel, TrainerStateKeepsItAsHFNamesIt) {
  textclass::testing::ScratchDir scratch;
  TrainerState state;
  state.batches_per_epoch = 4;
  state.best = {0.25, 12, 1};
  state.best_model_checkpoint = "out/checkpoint-12";
  write_trainer_state(state, scratch.path() / "trainer_state.json");
  const json written = json::parse(std::ifstream(scratch.path() / "trainer_state.json"));
  EXPECT_EQ(written["best_metric"], 0.25);
  EXPECT_EQ(written["best_global_step"], 12);
  EXPECT_EQ(written["best_model_checkpoint"], "out/checkpoint-12");
  EXPECT_EQ(written["stateful_callbacks"]["EarlyStoppingCallback"]["attributes"]["early_stopping_patience_counter"], 1);
  const TrainerState read = read_trainer_state(scratch.path() / "trainer_state.json");
  EXPECT_EQ(read.best.best_metric, 0.25);
  EXPECT_EQ(read.best.best_global_step, 12);
  EXPECT_EQ(read.best.evaluations_without_improvement, 1);
  EXPECT_EQ(read.best_model_checkpoint, "out/checkpoint-12");
}

// The checkpoint-<step> folders left under a run folder holding steps 1..5 after rotating.
std::vector<int> rotated(long limit, int best_step) {
  textclass::testing::ScratchDir scratch;
  for (int step = 1; step <= 5; ++step) fs::create_directories(scratch.path() / ("checkpoint-" + std::to_string(step)));
  fs::create_directories(scratch.path() / "checkpoint-9.tmp");  // half-written: not a checkpoint
  const fs::path best = best_step > 0 ? scratch.path() / ("checkpoint-" + std::to_string(best_step)) : fs::path();
  rotate_checkpoints(scratch.path(), limit, best);
  std::vector<int> left;
  for (int step = 1; step <= 5; ++step)
    if (fs::exists(scratch.path() / ("checkpoint-" + std::to_string(step)))) left.push_back(step);
  EXPECT_TRUE(fs::exists(scratch.path() / "checkpoint-9.tmp"));
  return left;
}

TEST(RotateCheckpoints, KeepsTheNewestAndTheBestAsHF) {
  EXPECT_EQ(rotated(2, 0), (std::vector<int>{4, 5}));
  EXPECT_EQ(rotated(2, 2), (std::vector<int>{2, 5}));     // the best counts as second newest
  EXPECT_EQ(rotated(3, 2), (std::vector<int>{2, 4, 5}));
  EXPECT_EQ(rotated(1, 2), (std::vector<int>{2, 5}));     // a limit of 1 keeps the best beside the newest
  EXPECT_EQ(rotated(1, 5), (std::vector<int>{5}));
  EXPECT_EQ(rotated(9, 2), (std::vector<int>{1, 2, 3, 4, 5}));
}

}  // namespace
}  // namespace textclass::train
