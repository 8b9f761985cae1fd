// What a side stream's pending work reads and writes (backend/cuda/side_work.hpp), on any machine:
// which piece the main stream must wait for before a write, and that a wait for one piece is a
// wait for every piece before it.
#include "textclass/backend/cuda/side_work.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <vector>

namespace textclass::backend::cuda {
namespace {

TEST(SideWork, AWriteOverWhatAProductReadsOrWritesWaitsForIt) {
  std::vector<float> memory(100);
  const float* input = memory.data() + 10;   // floats 10..19
  const float* output = memory.data() + 40;  // floats 40..44
  SideWork pending;
  EXPECT_EQ(pending.last(), 0u);
  EXPECT_EQ(pending.last_touching(input, 10 * sizeof(float)), 0u);
  const uint64_t product = pending.add({{input, 10 * sizeof(float)}, {output, 5 * sizeof(float)}});
  EXPECT_EQ(product, 1u);
  EXPECT_EQ(pending.last(), product);
  EXPECT_EQ(pending.last_touching(input, sizeof(float)), product);                // its first float
  EXPECT_EQ(pending.last_touching(input + 9, sizeof(float)), product);            // its last
  EXPECT_EQ(pending.last_touching(memory.data(), 11 * sizeof(float)), product);   // a range ending in it
  EXPECT_EQ(pending.last_touching(output + 4, 50 * sizeof(float)), product);      // one starting in the output
  EXPECT_EQ(pending.last_touching(memory.data(), 100 * sizeof(float)), product);  // one around both
  EXPECT_EQ(pending.last_touching(input + 10, 20 * sizeof(float)), 0u);           // the gap between them
  EXPECT_EQ(pending.last_touching(memory.data(), 10 * sizeof(float)), 0u);        // just before the input
  EXPECT_EQ(pending.last_touching(output + 5, sizeof(float)), 0u);                // just after the output
  EXPECT_EQ(pending.last_touching(input, 0), 0u);                                 // nothing
}

TEST(SideWork, AWriteWaitsForTheLastProductThatTouchesIt) {
  std::vector<float> memory(100);
  const float *a = memory.data(), *b = a + 20, *c = a + 40;
  SideWork pending;
  const uint64_t first = pending.add({{a, 10 * sizeof(float)}, {b, 10 * sizeof(float)}});
  const uint64_t second = pending.add({{c, 10 * sizeof(float)}, {b + 5, sizeof(float)}});
  EXPECT_EQ(second, first + 1);
  EXPECT_EQ(pending.last_touching(a, sizeof(float)), first);  // only the first reads a
  EXPECT_EQ(pending.last_touching(b, sizeof(float)), first);  // only the first writes b[0]
  EXPECT_EQ(pending.last_touching(b, 10 * sizeof(float)), second);  // both write b[5]
  EXPECT_EQ(pending.last_touching(c, sizeof(float)), second);
}

TEST(SideWork, BuffersAreKeptByNumber) {
  std::vector<float> memory(10);
  SideWork pending;
  const uint64_t first = pending.add({{nullptr, 0}, {memory.data(), sizeof(float)}}, {0, 3});
  EXPECT_EQ(pending.last_reading(0), first);
  EXPECT_EQ(pending.last_reading(3), first);
  EXPECT_EQ(pending.last_reading(1), 0u);
  EXPECT_EQ(pending.last_reading(SideWork::kBuffers - 1), 0u);
  EXPECT_EQ(pending.last_touching(memory.data() + 1, sizeof(float)), 0u);  // a range of 0 bytes: none
  const uint64_t second = pending.add({}, {3, SideWork::kBuffers - 1});  // buffers only
  EXPECT_EQ(pending.last(), second);
  EXPECT_EQ(pending.last_reading(3), second);  // the later reader
  EXPECT_EQ(pending.last_reading(SideWork::kBuffers - 1), second);
  EXPECT_EQ(pending.last_reading(0), first);
  EXPECT_THROW(pending.add({}, {SideWork::kBuffers}), std::out_of_range);
}

TEST(SideWork, AWaitForOneProductIsAWaitForEveryOneBefore) {
  std::vector<float> memory(100);
  const float *a = memory.data(), *b = a + 20, *c = a + 40;
  SideWork pending;
  const uint64_t first = pending.add({{a, sizeof(float)}, {b, sizeof(float)}}, {0});
  const uint64_t second = pending.add({{c, sizeof(float)}}, {1});
  const uint64_t third = pending.add({{c + 10, sizeof(float)}}, {2});
  pending.waited_for(second);
  EXPECT_EQ(pending.last_touching(a, sizeof(float)), 0u);
  EXPECT_EQ(pending.last_touching(b, sizeof(float)), 0u);
  EXPECT_EQ(pending.last_touching(c, sizeof(float)), 0u);
  EXPECT_EQ(pending.last_reading(0), 0u);
  EXPECT_EQ(pending.last_reading(1), 0u);
  EXPECT_EQ(pending.last_touching(c + 10, sizeof(float)), third);  // after the one waited for
  EXPECT_EQ(pending.last_reading(2), third);
  EXPECT_EQ(pending.last(), third);
  pending.waited_for(first);  // (already covered: changes nothing)
  EXPECT_EQ(pending.last(), third);
  pending.waited_for(pending.last());
  EXPECT_EQ(pending.last(), 0u);
  EXPECT_EQ(pending.last_reading(2), 0u);
  EXPECT_EQ(pending.last_touching(memory.data(), 100 * sizeof(float)), 0u);
  EXPECT_EQ(pending.next(), third + 1);
  EXPECT_EQ(pending.add({{a, sizeof(float)}}), third + 1);  // numbers go on
  EXPECT_EQ(pending.last_touching(a, sizeof(float)), third + 1);
}

}  // namespace
}  // namespace textclass::backend::cuda
