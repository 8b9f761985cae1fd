#include "textclass/serve/batch_queue.hpp"

#include <gtest/gtest.h>
#include <thread>

#include "textclass/error.hpp"

namespace textclass::serve {
namespace {

std::vector<std::int32_t> row_of(std::size_t tokens) { return std::vector<std::int32_t>(tokens, 7); }

TEST(BatchQueue, TakesRowsInOrderUpToTheTokenLimit) {
  BatchQueue queue(10, 0);
  std::vector<std::future<RowResult>> futures;
  for (std::size_t tokens : {4, 4, 4, 12, 1}) futures.push_back(queue.push(row_of(tokens)));
  EXPECT_EQ(queue.size(), 5u);
  // 4 + 4 fit in 10; the third would make 12
  std::vector<QueuedRow> batch = queue.next_batch();
  ASSERT_EQ(batch.size(), 2u);
  batch = queue.next_batch();
  ASSERT_EQ(batch.size(), 1u);
  EXPECT_EQ(batch[0].ids.size(), 4u);
  // a row over the limit alone still runs, by itself
  batch = queue.next_batch();
  ASSERT_EQ(batch.size(), 1u);
  EXPECT_EQ(batch[0].ids.size(), 12u);
  batch = queue.next_batch();
  ASSERT_EQ(batch.size(), 1u);
  EXPECT_EQ(queue.size(), 0u);
}

TEST(BatchQueue, TakesRowsUpToTheRequestLimit) {
  BatchQueue queue(1000, 3);
  std::vector<std::future<RowResult>> futures;
  for (int i = 0; i < 7; ++i) futures.push_back(queue.push(row_of(2)));
  EXPECT_EQ(queue.next_batch().size(), 3u);
  EXPECT_EQ(queue.next_batch().size(), 3u);
  EXPECT_EQ(queue.next_batch().size(), 1u);
}

TEST(BatchQueue, ALoneRowDoesNotWaitAndAnswersThroughItsFuture) {
  BatchQueue queue(100, 0);
  std::thread model([&] {
    for (std::vector<QueuedRow> batch = queue.next_batch(); !batch.empty(); batch = queue.next_batch()) {
      for (QueuedRow& row : batch) row.result.set_value({{static_cast<float>(row.ids.size())}, {1.0f}, {}, {}});
    }
  });
  std::future<RowResult> result = queue.push(row_of(5));
  EXPECT_EQ(result.get().logits, std::vector<float>{5.0f});
  queue.close();
  model.join();
  EXPECT_THROW(queue.push(row_of(1)), Error);
}

TEST(BatchQueue, CloseHandsOutWhatIsQueuedThenNothing) {
  BatchQueue queue(100, 0);
  std::future<RowResult> result = queue.push(row_of(3));
  queue.close();
  EXPECT_EQ(queue.next_batch().size(), 1u);
  EXPECT_TRUE(queue.next_batch().empty());
}

}  // namespace
}  // namespace textclass::serve
