// data::Batcher: dynamic padding, a seeded shuffle that is reproducible and covers every row once
// per epoch, seek() landing where taking the batches would, and length grouping.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "textclass/data/batcher.hpp"

namespace textclass::data {
namespace {

// n rows; row i has 2 + (i * 7) % 13 tokens, all equal to 100 + i, labelled i % 4.
TokenRows make_rows(std::size_t n) {
  TokenRows rows;
  for (std::size_t i = 0; i < n; ++i) {
    rows.ids.emplace_back(2 + (i * 7) % 13, static_cast<std::int32_t>(100 + i));
    rows.labels.push_back(static_cast<int>(i % 4));
  }
  return rows;
}

std::vector<std::size_t> epoch_rows(Batcher& batcher) {
  std::vector<std::size_t> rows;
  for (std::size_t b = 0; b < batcher.batches_per_epoch(); ++b) {
    const Batch batch = batcher.next_batch();
    rows.insert(rows.end(), batch.rows.begin(), batch.rows.end());
  }
  return rows;
}

TEST(MakeBatch, PacksTokenTypesBesideTheIds) {
  TokenRows rows;
  rows.ids = {{101, 7, 102, 8, 9, 102}, {101, 5, 102}, {101, 6, 102, 102}};
  rows.token_type_ids = {{0, 0, 0, 1, 1, 1}, {}, {0, 0, 0, 1}};  // row 1: a single text among pairs
  const std::vector<std::size_t> pick = {2, 1, 0};
  const Batch batch = make_batch(rows, pick, 0, 4);
  ASSERT_EQ(batch.T, 8);
  EXPECT_EQ(batch.token_type_ids, (std::vector<std::int32_t>{0, 0, 0, 1, 0, 0, 0, 0,  //
                                                             0, 0, 0, 0, 0, 0, 0, 0,  //
                                                             0, 0, 0, 1, 1, 1, 0, 0}));
  EXPECT_EQ(batch.input_ids[16 + 5], 102);
  // single texts: all zeros
  EXPECT_EQ(make_batch(make_rows(3), pick, 0).token_type_ids, std::vector<std::int32_t>(3 * 9, 0));
}

TEST(MakeBatch, PadsToTheLongestRowWithMaskAndLabels) {
  const TokenRows rows = make_rows(5);
  const std::vector<std::size_t> pick = {3, 1};  // 2 + 21 % 13 = 10 tokens, and 9
  const Batch batch = make_batch(rows, pick, -7);
  ASSERT_EQ(batch.B, 2);
  ASSERT_EQ(batch.T, 10);
  ASSERT_EQ(batch.input_ids.size(), 20u);
  for (int t = 0; t < 10; ++t) {
    EXPECT_EQ(batch.input_ids[t], 103);
    EXPECT_EQ(batch.attention_mask[t], 1);
    EXPECT_EQ(batch.input_ids[10 + t], t < 9 ? 101 : -7);
    EXPECT_EQ(batch.attention_mask[10 + t], t < 9 ? 1 : 0);
    EXPECT_EQ(batch.token_type_ids[t], 0);
  }
  EXPECT_EQ(batch.labels, (std::vector<std::int32_t>{3, 1}));
  EXPECT_EQ(batch.rows, pick);
}

TEST(MakeBatch, PadsToAMultipleWhenAsked) {
  const TokenRows rows = make_rows(5);
  const std::vector<std::size_t> pick = {3, 1};  // 10 tokens and 9
  const Batch batch = make_batch(rows, pick, -7, 8);
  ASSERT_EQ(batch.T, 16);
  ASSERT_EQ(batch.input_ids.size(), 32u);
  for (int t = 0; t < 16; ++t) {
    EXPECT_EQ(batch.input_ids[t], t < 10 ? 103 : -7);
    EXPECT_EQ(batch.attention_mask[t], t < 10 ? 1 : 0);
    EXPECT_EQ(batch.input_ids[16 + t], t < 9 ? 101 : -7);
    EXPECT_EQ(batch.attention_mask[16 + t], t < 9 ? 1 : 0);
  }
  EXPECT_EQ(make_batch(rows, pick, -7, 5).T, 10);  // already a multiple
  EXPECT_EQ(make_batch(rows, pick, -7, 1).T, 10);
}

TEST(MakeBatch, UnlabelledRowsGiveNoLabels) {
  TokenRows rows = make_rows(3);
  rows.labels.clear();
  const std::vector<std::size_t> pick = {0, 2};
  EXPECT_TRUE(make_batch(rows, pick, 0).labels.empty());
}

TEST(Batcher, EveryRowOncePerEpochInANewOrderEachEpoch) {
  const TokenRows rows = make_rows(50);
  Batcher batcher(rows, {.batch_size = 16, .seed = 3});
  ASSERT_EQ(batcher.batches_per_epoch(), 4u);  // 16 + 16 + 16 + 2
  const std::vector<std::size_t> first = epoch_rows(batcher);
  const std::vector<std::size_t> second = epoch_rows(batcher);
  EXPECT_EQ(batcher.epoch(), 1);
  for (const auto& order : {first, second}) {
    ASSERT_EQ(order.size(), 50u);
    EXPECT_EQ(std::set<std::size_t>(order.begin(), order.end()).size(), 50u);
  }
  EXPECT_NE(first, second);
  std::vector<std::size_t> identity(50);
  for (std::size_t i = 0; i < 50; ++i) identity[i] = i;
  EXPECT_NE(first, identity);
}

TEST(Batcher, TheSameSeedGivesTheSameBatchesAnotherSeedOthers) {
  const TokenRows rows = make_rows(40);
  Batcher a(rows, {.batch_size = 8, .seed = 11});
  Batcher b(rows, {.batch_size = 8, .seed = 11});
  Batcher c(rows, {.batch_size = 8, .seed = 12});
  bool differs = false;
  for (int i = 0; i < 12; ++i) {  // into the second and third epochs
    const Batch x = a.next_batch(), y = b.next_batch(), z = c.next_batch();
    EXPECT_EQ(x.input_ids, y.input_ids);
    EXPECT_EQ(x.labels, y.labels);
    differs = differs || x.rows != z.rows;
  }
  EXPECT_TRUE(differs);
}

TEST(Batcher, SeekContinuesExactlyWhereTakingTheBatchesWould) {
  const TokenRows rows = make_rows(40);
  Batcher straight(rows, {.batch_size = 6, .seed = 5});
  for (int i = 0; i < 7 + 3; ++i) straight.next_batch();  // epoch 0 has 7 batches; then 3 of epoch 1
  Batcher resumed(rows, {.batch_size = 6, .seed = 5});
  resumed.seek(1, 3);
  EXPECT_EQ(resumed.epoch(), straight.epoch());
  EXPECT_EQ(resumed.position(), straight.position());
  for (int i = 0; i < 9; ++i) EXPECT_EQ(resumed.next_batch().rows, straight.next_batch().rows);
  EXPECT_THROW(resumed.seek(0, 7), std::invalid_argument);
}

TEST(Batcher, WithoutShuffleRowsComeInOrder) {
  const TokenRows rows = make_rows(10);
  Batcher batcher(rows, {.batch_size = 4, .shuffle = false});
  const std::vector<std::size_t> order = epoch_rows(batcher);
  for (std::size_t i = 0; i < order.size(); ++i) EXPECT_EQ(order[i], i);
}

TEST(Batcher, GroupByLengthSortsEachMegaBatchLongestFirst) {
  const std::size_t batch_size = 2, mega = 50 * batch_size;
  const TokenRows rows = make_rows(250);  // mega-batches of 100, 100 and 50 rows
  Batcher grouped(rows, {.batch_size = batch_size, .group_by_length = true, .seed = 9});
  Batcher plain(rows, {.batch_size = batch_size, .seed = 9});
  const std::vector<std::size_t> order = epoch_rows(grouped);
  const std::vector<std::size_t> shuffled = epoch_rows(plain);
  ASSERT_EQ(std::set<std::size_t>(order.begin(), order.end()).size(), 250u);
  const auto length = [&](std::size_t row) { return rows.ids[row].size(); };
  for (std::size_t begin = 0; begin < order.size(); begin += mega) {
    const std::size_t end = std::min(begin + mega, order.size());
    for (std::size_t i = begin + 1; i < end; ++i) EXPECT_GE(length(order[i - 1]), length(order[i])) << i;
    // the same rows as the plain shuffle's mega-batch: grouping reorders only within one
    EXPECT_EQ(std::multiset<std::size_t>(order.begin() + begin, order.begin() + end),
              std::multiset<std::size_t>(shuffled.begin() + begin, shuffled.begin() + end));
  }
}

}  // namespace
}  // namespace textclass::data
