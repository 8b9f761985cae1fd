// get_linear_schedule_with_warmup, as the Trainer steps it.
#include <gtest/gtest.h>

#include "../model/hf_fixtures.hpp"
#include "textclass/train/linear_schedule.hpp"

namespace textclass::train {
namespace {

TEST(LinearSchedule, MatchesTheGoldenTrajectory) {
  // golden.json: lr 1e-3, no warmup, 3 steps; lr_after is the rate after scheduler.step()
  LinearSchedule schedule(1e-3, 0, 3);
  EXPECT_DOUBLE_EQ(schedule.lr(0), 1e-3);
  const auto& steps = textclass::testing::golden_json()["adamw_steps"];
  for (int s = 0; s < 3; ++s) EXPECT_NEAR(schedule.lr(s + 1), steps[s]["lr_after"].get<double>(), 1e-15);
}

TEST(LinearSchedule, WarmupRisesThenDecaysToZero) {
  // HF's lr_lambda with 2 warmup steps of 6: s/2 below 2, then (6 - s)/(6 - 2), floored at 0
  LinearSchedule schedule(2.0, 2, 6);
  EXPECT_DOUBLE_EQ(schedule.lr(0), 0.0);
  EXPECT_DOUBLE_EQ(schedule.lr(1), 1.0);
  EXPECT_DOUBLE_EQ(schedule.lr(2), 2.0);
  EXPECT_DOUBLE_EQ(schedule.lr(3), 1.5);
  EXPECT_DOUBLE_EQ(schedule.lr(5), 0.5);
  EXPECT_DOUBLE_EQ(schedule.lr(6), 0.0);
  EXPECT_DOUBLE_EQ(schedule.lr(9), 0.0);
}

}  // namespace
}  // namespace textclass::train
