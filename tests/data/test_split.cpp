// The three split modes; the notebook mode against sklearn's own output.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "test_support.hpp"
#include "textclass/data/split.hpp"

namespace textclass::data {
namespace {

nlohmann::json load_split_fixture() {
  std::ifstream in(std::string(TEXTCLASS_SOURCE_DIR) + "/tests/fixtures/sklearn/split_seed1122.json");
  return nlohmann::json::parse(in);
}

// Every row appears in exactly one part.
void expect_partition(const Split& split, std::size_t n) {
  std::vector<std::size_t> all = split.train;
  all.insert(all.end(), split.validation.begin(), split.validation.end());
  std::sort(all.begin(), all.end());
  ASSERT_EQ(all.size(), n);
  for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(all[i], i);
}

TEST(NotebookSplit, EqualsSklearnTrainTestSplit) {
  const nlohmann::json fixture = load_split_fixture();
  ASSERT_EQ(fixture["seed"], 1122);
  ASSERT_EQ(fixture["train_size"], 0.9);
  ASSERT_EQ(fixture["splits"].size(), 2u);
  for (const auto& expected : fixture["splits"]) {
    const auto n = expected["n"].get<std::size_t>();
    SCOPED_TRACE(n);
    const Split split = split_rows(std::vector<int>(n, 0), SplitOptions{});  // the defaults are the notebook's
    EXPECT_EQ(split.train, expected["train"].get<std::vector<std::size_t>>());
    EXPECT_EQ(split.validation, expected["eval"].get<std::vector<std::size_t>>());
  }
}

TEST(NotebookSplit, SizesFollowSklearnsRounding) {
  // n_train = floor(0.9 * n): 0.9 * 10 is 9.000000000000002 in binary, 0.9 * 11 = 9.9.
  EXPECT_EQ(notebook_split(10, 0.9, 1).train.size(), 9u);
  EXPECT_EQ(notebook_split(11, 0.9, 1).train.size(), 9u);
  EXPECT_EQ(notebook_split(11, 0.9, 1).validation.size(), 2u);
  expect_partition(notebook_split(11, 0.9, 1), 11);
}

TEST(RandomSplit, IsASeededPartition) {
  const std::vector<int> labels(1000, 0);
  const Split a = split_rows(labels, {SplitMode::random, 0.8, 7});
  expect_partition(a, 1000);
  EXPECT_EQ(a.train.size(), 800u);
  const Split again = split_rows(labels, {SplitMode::random, 0.8, 7});
  EXPECT_EQ(a.train, again.train);
  EXPECT_EQ(a.validation, again.validation);
  const Split other_seed = split_rows(labels, {SplitMode::random, 0.8, 8});
  EXPECT_NE(a.train, other_seed.train);
  EXPECT_FALSE(std::is_sorted(a.train.begin(), a.train.end()));  // shuffled, not a prefix
}

TEST(StratifiedSplit, KeepsEachClassProportion) {
  std::vector<int> labels;
  for (int label = 0; label < 3; ++label) labels.insert(labels.end(), label == 0 ? 500 : 100 * label, label);  // 500, 100, 200, grouped
  const Split split = split_rows(labels, {SplitMode::stratified, 0.75, 1122});
  expect_partition(split, labels.size());
  std::map<int, std::size_t> train_rows, validation_rows;
  for (std::size_t row : split.train) ++train_rows[labels[row]];
  for (std::size_t row : split.validation) ++validation_rows[labels[row]];
  EXPECT_EQ(train_rows[0], 375u);
  EXPECT_EQ(validation_rows[0], 125u);
  EXPECT_EQ(train_rows[1], 75u);
  EXPECT_EQ(validation_rows[1], 25u);
  EXPECT_EQ(train_rows[2], 150u);
  EXPECT_EQ(validation_rows[2], 50u);
  // The rows come grouped by class; training order must interleave them, not keep the blocks.
  std::size_t class_changes = 0;
  for (std::size_t i = 1; i < split.train.size(); ++i) class_changes += labels[split.train[i]] != labels[split.train[i - 1]];
  EXPECT_GT(class_changes, split.train.size() / 4);
}

TEST(StratifiedSplit, SmallClassesStillReachBothParts) {
  const std::vector<int> labels = {0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
  const Split split = split_rows(labels, {SplitMode::stratified, 0.9, 3});
  expect_partition(split, labels.size());
  const auto in_validation = [&](int label) {
    return std::count_if(split.validation.begin(), split.validation.end(), [&](std::size_t row) { return labels[row] == label; });
  };
  EXPECT_EQ(in_validation(0), 1);
  EXPECT_EQ(in_validation(1), 1);
}

TEST(Split, RejectsFractionsThatLeaveAPartEmpty) {
  const std::vector<int> labels(10, 0);
  EXPECT_EQ(testing::error_message([&] { split_rows(labels, {SplitMode::notebook, 1.0, 1}); }),
            "train fraction must be between 0 and 1 (exclusive), got 1");
  EXPECT_EQ(testing::error_message([&] { split_rows(labels, {SplitMode::random, 0.05, 1}); }),
            "a train fraction of 0.05 of 10 rows leaves the train part empty");
  EXPECT_EQ(testing::error_message([&] { split_rows(std::vector<int>(1, 0), {SplitMode::stratified, 0.5, 1}); }),
            "a train fraction of 0.5 of 1 rows leaves the train part empty");
}

}  // namespace
}  // namespace textclass::data
