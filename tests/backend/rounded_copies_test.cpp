// The table of the ops' bf16 roundings (backend/cuda/rounded_copies.hpp), on any machine: what it
// finds, which slot a claim takes, and that a write over any part of a tensor retires its rounding.
#include "textclass/backend/cuda/rounded_copies.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace textclass::backend::cuda {
namespace {

TEST(RoundedCopies, FindsOnlyTheExactTensorsClaimed) {
  std::vector<float> memory(100);
  const float* x = memory.data();
  RoundedCopies table(2);
  EXPECT_EQ(table.find(x, 10), -1);
  const int slot = table.claim(x, 10);
  EXPECT_EQ(table.find(x, 10), slot);
  EXPECT_EQ(table.find(x, 9), -1);       // a different extent
  EXPECT_EQ(table.find(x + 1, 9), -1);   // a part
  EXPECT_EQ(table.find(x, 11), -1);      // more
}

TEST(RoundedCopies, AClaimTakesTheLeastRecentlyUsedSlot) {
  std::vector<float> memory(100);
  const float *a = memory.data(), *b = a + 10, *c = a + 20;
  RoundedCopies table(2);
  const int slot_a = table.claim(a, 10), slot_b = table.claim(b, 10);
  EXPECT_NE(slot_a, slot_b);
  EXPECT_EQ(table.find(a, 10), slot_a);  // a is now the more recently used
  EXPECT_EQ(table.claim(c, 10), slot_b);  // so b's slot goes
  EXPECT_EQ(table.find(b, 10), -1);
  EXPECT_EQ(table.find(a, 10), slot_a);
  EXPECT_EQ(table.find(c, 10), slot_b);
  // claiming a tensor again replaces its rounding in the slot it gets
  EXPECT_EQ(table.claim(c, 10), slot_a);
  EXPECT_EQ(table.find(a, 10), -1);
}

TEST(RoundedCopies, AWriteOverAnyPartOfATensorRetiresItsRounding) {
  std::vector<float> memory(100);
  const float *a = memory.data(), *b = a + 10;
  RoundedCopies table(2);
  table.claim(a, 10);
  table.claim(b, 10);
  table.written(a + 9, sizeof(float));  // a's last float
  EXPECT_EQ(table.find(a, 10), -1);
  EXPECT_GE(table.find(b, 10), 0);      // its neighbour stays
  table.written(a + 5, 5 * sizeof(float) + 1);  // ends one byte into b
  EXPECT_EQ(table.find(b, 10), -1);
  table.claim(b, 10);
  table.written(a, 10 * sizeof(float));  // ends where b starts
  table.written(b + 10, 0);               // nothing
  EXPECT_GE(table.find(b, 10), 0);
}

}  // namespace
}  // namespace textclass::backend::cuda
