// Axis ticks for the SVG charts: steps of 1, 2 or 5 times a power of ten, covering the data.
#include <gtest/gtest.h>

#include "textclass/report/html_axis.hpp"

namespace textclass::report {
namespace {

TEST(NiceAxis, CoversTheDataWithRoundSteps) {
  const Axis steps = nice_axis(0, 20250, 6);
  EXPECT_DOUBLE_EQ(steps.step, 5000);
  EXPECT_DOUBLE_EQ(steps.low, 0);
  EXPECT_DOUBLE_EQ(steps.high, 25000);
  EXPECT_EQ(steps.ticks.size(), 6u);

  const Axis scores = nice_axis(0.8313, 1.0);
  EXPECT_DOUBLE_EQ(scores.step, 0.05);
  EXPECT_NEAR(scores.low, 0.8, 1e-12);
  EXPECT_NEAR(scores.high, 1.0, 1e-12);
  EXPECT_EQ(scores.ticks.size(), 5u);
}

TEST(NiceAxis, WidensAnEmptyRange) {
  const Axis axis = nice_axis(0.5, 0.5);
  EXPECT_LT(axis.low, 0.5);
  EXPECT_GT(axis.high, 0.5);
}

TEST(TickLabel, ShowsTheDigitsTheStepNeeds) {
  EXPECT_EQ(tick_label(0.85, 0.05), "0.85");
  EXPECT_EQ(tick_label(0.4, 0.2), "0.4");
  EXPECT_EQ(tick_label(15000, 5000), "15k");
  EXPECT_EQ(tick_label(0, 5000), "0");
  EXPECT_EQ(tick_label(-1e-17, 0.1), "0.0");
  EXPECT_EQ(tick_label(300, 100), "300");
}

}  // namespace
}  // namespace textclass::report
