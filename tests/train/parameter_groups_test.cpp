// The Trainer's weight-decay groups (golden.json decay_params and param_groups) and their spans.
#include <set>

#include <gtest/gtest.h>

#include "../model/hf_fixtures.hpp"
#include "textclass/model/bert_config.hpp"
#include "textclass/train/parameter_groups.hpp"

namespace textclass::train {
namespace {

model::ParameterTable tiny_table(model::Head head, bool with_pooler) {
  return model::ParameterTable(model::load_config(textclass::testing::hf_fixture("tiny/config.json")), head, with_pooler);
}

TEST(ParameterGroups, DecayRuleMatchesTheTrainer) {
  std::set<std::string> expected;
  for (const auto& name : textclass::testing::golden_json()["decay_params"]) expected.insert(name.get<std::string>());
  std::set<std::string> ours;
  int no_decay = 0;
  auto table = tiny_table(model::Head::cls_linear, true);
  for (const auto& view : table.views()) {
    if (applies_weight_decay(view.name))
      ours.insert(view.name);
    else
      ++no_decay;
  }
  EXPECT_EQ(ours, expected);
  const auto& groups = textclass::testing::golden_json()["param_groups"];
  EXPECT_EQ(static_cast<int>(ours.size()), groups[0]["n"].get<int>());
  EXPECT_EQ(no_decay, groups[1]["n"].get<int>());
}

// Every trainable parameter lies inside a span with its decay; the others touch none.
void expect_spans_cover_exactly_the_trainable(const model::ParameterTable& table, const std::vector<ParameterSpan>& spans) {
  for (const auto& view : table.views()) {
    int covering = -1;
    for (std::size_t s = 0; s < spans.size(); ++s)
      if (view.offset >= spans[s].offset && view.offset + view.numel <= spans[s].offset + spans[s].count)
        covering = static_cast<int>(s);
    if (!view.trainable) {
      for (const auto& s : spans)  // no overlap at all
        EXPECT_TRUE(view.offset + view.numel <= s.offset || view.offset >= s.offset + s.count) << view.name;
      continue;
    }
    ASSERT_GE(covering, 0) << view.name;
    EXPECT_EQ(spans[covering].weight_decay, applies_weight_decay(view.name) ? 0.01 : 0.0) << view.name;
  }
}

TEST(ParameterGroups, NotebookHeadLeavesThePoolerOut) {
  auto table = tiny_table(model::Head::cls_linear, true);
  auto spans = parameter_groups(table, 0.01);
  expect_spans_cover_exactly_the_trainable(table, spans);
  EXPECT_EQ(spans.size(), 2u);  // the table's order makes the groups two runs
}

TEST(ParameterGroups, PoolerHeadTrainsThePooler) {
  auto table = tiny_table(model::Head::pooler, true);
  auto spans = parameter_groups(table, 0.01);
  expect_spans_cover_exactly_the_trainable(table, spans);
  EXPECT_TRUE(table.at("bert.pooler.dense.weight").trainable);
}

}  // namespace
}  // namespace textclass::train
