// Which square-sum slots hold (backend/cuda/square_sums.hpp), on any machine: a write anywhere in a
// slot's floats frees it, a sum splits into the slots wholly inside it and the gaps between, and
// the slots and gaps together are every float of the sum once.
#include "textclass/backend/cuda/square_sums.hpp"

#include <gtest/gtest.h>

#include <cstddef>
#include <vector>

namespace textclass::backend::cuda {
namespace {

// Each float of [x, x + n) as split covers it: 0 (none), 1 or more (twice is wrong).
std::vector<int> coverage(const SquareSumSlots& slots, const std::vector<SquareSumSlots::Floats>& held,
                          const float* x, std::size_t n) {
  const SquareSumSlots::Split split = slots.split(x, n);
  std::vector<int> count(n, 0);
  auto cover = [&](const SquareSumSlots::Floats& floats) {
    for (std::size_t i = 0; i < floats.count; i++) count.at(static_cast<std::size_t>(floats.start + i - x))++;
  };
  for (int slot : split.slots) cover(held.at(static_cast<std::size_t>(slot)));
  for (const auto& gap : split.gaps) {
    EXPECT_GT(gap.count, 0u) << "an empty gap";
    cover(gap);
  }
  return count;
}

// Slots over 100 floats of host memory (only their addresses matter).
class SquareSumSlotsTest : public ::testing::Test {
 protected:
  std::vector<float> memory = std::vector<float>(100);
  const float* x = memory.data();
  SquareSumSlots slots;
};

TEST_F(SquareSumSlotsTest, ASumSplitsIntoTheSlotsInsideItAndTheGapsBetween) {
  std::vector<SquareSumSlots::Floats> held(SquareSumSlots::kSlots, {nullptr, 0});
  auto claim = [&](std::size_t from, std::size_t n) {
    const int slot = slots.claim(x + from, n);
    if (slot >= 0) held[static_cast<std::size_t>(slot)] = {x + from, n};
    return slot;
  };
  EXPECT_EQ(claim(40, 20), 0);
  EXPECT_EQ(claim(10, 10), 1);
  EXPECT_EQ(claim(60, 5), 2);  // right after slot 0: no gap between

  SquareSumSlots::Split split = slots.split(x, 100);
  EXPECT_EQ(split.slots, (std::vector<int>{1, 0, 2}));  // in address order
  ASSERT_EQ(split.gaps.size(), 3u);                       // [0, 10), [20, 40), [65, 100)
  EXPECT_EQ(split.gaps[0].start, x);
  EXPECT_EQ(split.gaps[0].count, 10u);
  EXPECT_EQ(split.gaps[1].start, x + 20);
  EXPECT_EQ(split.gaps[1].count, 20u);
  EXPECT_EQ(split.gaps[2].start, x + 65);
  EXPECT_EQ(split.gaps[2].count, 35u);
  EXPECT_EQ(coverage(slots, held, x, 100), std::vector<int>(100, 1));

  // a sum that cuts through slot 0 takes none of its partials: its floats are a gap
  split = slots.split(x + 5, 45);  // [5, 50)
  EXPECT_EQ(split.slots, (std::vector<int>{1}));
  EXPECT_EQ(coverage(slots, held, x + 5, 45), std::vector<int>(45, 1));

  // a sum with no slot inside is one gap
  split = slots.split(x + 21, 10);
  EXPECT_TRUE(split.slots.empty());
  ASSERT_EQ(split.gaps.size(), 1u);
  EXPECT_EQ(split.gaps[0].start, x + 21);
  EXPECT_EQ(split.gaps[0].count, 10u);

  // exactly a slot: no gaps
  split = slots.split(x + 40, 20);
  EXPECT_EQ(split.slots, (std::vector<int>{0}));
  EXPECT_TRUE(split.gaps.empty());
}

TEST_F(SquareSumSlotsTest, AWriteIntoASlotsFloatsFreesIt) {
  ASSERT_EQ(slots.claim(x + 40, 20), 0);
  ASSERT_EQ(slots.claim(x + 10, 10), 1);
  slots.written(x + 20, 20 * sizeof(float));  // [20, 40): between them
  EXPECT_EQ(slots.split(x, 100).slots.size(), 2u);
  slots.written(x + 59, 1);  // one byte of slot 0's last float
  EXPECT_EQ(slots.split(x, 100).slots, (std::vector<int>{1}));
  slots.written(x + 19, 0);  // nothing
  EXPECT_EQ(slots.split(x, 100).slots, (std::vector<int>{1}));
  slots.written(x, 100 * sizeof(float));
  EXPECT_TRUE(slots.split(x, 100).slots.empty());
  // freed slots are claimed again; a claim frees a slot it overlaps (the product wrote its floats)
  EXPECT_EQ(slots.claim(x + 10, 10), 0);
  EXPECT_EQ(slots.claim(x + 15, 10), 0);  // (slot 0 freed, then the first free one)
  const SquareSumSlots::Split split = slots.split(x, 100);
  EXPECT_EQ(split.slots, (std::vector<int>{0}));
  ASSERT_EQ(split.gaps.size(), 2u);  // [0, 15) and [25, 100): slot 0 is [15, 25) now
  EXPECT_EQ(split.gaps[0].count, 15u);
  EXPECT_EQ(split.gaps[1].start, x + 25);
}

// written() first checks the bounds around all held slots; those must cover slots claimed in any
// order, and start again once every slot is freed.
TEST_F(SquareSumSlotsTest, AWriteFindsASlotWhereverItWasClaimed) {
  ASSERT_EQ(slots.claim(x + 10, 10), 0);
  ASSERT_EQ(slots.claim(x + 80, 10), 1);
  ASSERT_EQ(slots.claim(x + 40, 10), 2);
  slots.written(x + 50, 30 * sizeof(float));  // between the slots
  EXPECT_EQ(slots.split(x, 100).slots.size(), 3u);
  slots.written(x + 19, sizeof(float));  // the first slot's last float
  EXPECT_EQ(slots.split(x, 100).slots, (std::vector<int>{2, 1}));
  slots.written(x + 89, sizeof(float));  // the highest slot's last float
  EXPECT_EQ(slots.split(x, 100).slots, (std::vector<int>{2}));
  slots.written(x + 40, sizeof(float));
  EXPECT_TRUE(slots.split(x, 100).slots.empty());
  ASSERT_EQ(slots.claim(x + 90, 5), 0);  // bounds from scratch: [90, 95)
  ASSERT_EQ(slots.claim(x + 5, 5), 1);
  slots.written(x + 6, sizeof(float));
  EXPECT_EQ(slots.split(x, 100).slots, (std::vector<int>{0}));
  EXPECT_EQ(slots.claim(x, 0), -1) << "an empty range";
}

TEST(SquareSumSlots, WhenEverySlotIsTakenAClaimGetsNone) {
  std::vector<float> memory(2 * SquareSumSlots::kSlots + 2);
  const float* x = memory.data();
  SquareSumSlots slots;
  for (int i = 0; i < SquareSumSlots::kSlots; i++) ASSERT_EQ(slots.claim(x + 2 * i, 2), i);
  EXPECT_EQ(slots.claim(x + 2 * SquareSumSlots::kSlots, 2), -1);
  EXPECT_EQ(slots.split(x, memory.size()).slots.size(), static_cast<std::size_t>(SquareSumSlots::kSlots));
}

}  // namespace
}  // namespace textclass::backend::cuda
