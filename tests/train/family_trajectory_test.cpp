// Three optimizer steps of each family as the HF Trainer takes them (tests/fixtures/families/*/
// golden.json adamw_steps): AdamW with the Trainer's weight-decay groups (DistilBERT's
// sa_layer_norm and output_layer_norm are LayerNorms, not decayed), linear decay to zero over 3
// steps, clipping at 1.0, rows 0-8, 0-4, 0-8. Compared: each step's loss and pre-clip gradient
// norm, and every parameter after the third step.
#include <gtest/gtest.h>

#include <algorithm>
#include <tuple>

#include "../model/family_fixtures.hpp"
#include "../model/hf_fixtures.hpp"
#include "test_backends.hpp"
#include "textclass/model/checkpoint.hpp"
#include "textclass/train/adamw.hpp"
#include "textclass/train/gradient_clipping.hpp"
#include "textclass/train/linear_schedule.hpp"
#include "textclass/train/parameter_groups.hpp"

namespace textclass::train {
namespace {

using FamilyTrajectory = textclass::testing::FamilyBackendTest;

INSTANTIATE_TEST_SUITE_P(FamiliesAndBackends, FamilyTrajectory,
                         ::testing::Combine(::testing::ValuesIn(textclass::testing::fixture_families()),
                                            ::testing::ValuesIn(textclass::testing::fp32_backend_names())),
                         [](const auto& info) {
                           std::string name = std::get<0>(info.param) + "_" + std::get<1>(info.param);
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

TEST_P(FamilyTrajectory, ThreeTrainerStepsMatchTheReference) {
  const std::string family = this->family();
  const textclass::testing::FamilyGolden golden(family);
  auto bert = model::load_bert(backend(), textclass::testing::family_fixture(family, "tiny"));
  const auto& steps = golden.scalars["adamw_steps"];
  ASSERT_EQ(steps.size(), 3u);

  // the decay group is the Trainer's
  std::vector<std::string> decayed;
  for (const model::ParameterView& view : bert->table().views())
    if (applies_weight_decay(view.name)) decayed.push_back(view.name);
  std::sort(decayed.begin(), decayed.end());
  EXPECT_EQ(decayed, golden.scalars["decay_params"].get<std::vector<std::string>>());

  std::vector<ParameterSpan> spans = parameter_groups(bert->table(), 0.01);
  AdamW optimizer(backend(), bert->table().total_floats(), spans);
  LinearSchedule schedule(1e-3, 0, 3);
  model::Activations acts(backend());
  for (int s = 0; s < 3; ++s) {
    SCOPED_TRACE("step " + std::to_string(s));
    const auto& step = steps[s];
    bert->zero_grad();
    model::Output out = bert->forward(acts, golden.rows(step["batch_rows"][0], step["batch_rows"][1]), 1000 + s);
    bert->backward(acts);
    double norm = global_grad_norm(backend(), bert->grads(), spans);
    optimizer.step(bert->params(), bert->grads(), schedule.lr(s), clip_factor(norm, 1.0));
    EXPECT_NEAR(*out.loss, step["loss"].get<double>(), 1e-6);
    EXPECT_NEAR(norm, step["grad_norm_before_clip"].get<double>(), 1e-5);
  }
  // 1e-6, as for BERT: the weight decay moves a parameter p by only about 2e-5 p over three steps
  for (const model::ParameterView& view : bert->table().views()) {
    SCOPED_TRACE(view.name);
    EXPECT_LE(textclass::testing::max_abs_diff(textclass::testing::tensor_of(*bert, bert->params(), view.name),
                                               golden.tensors.read_floats("after3." + view.name)),
              1e-6);
  }
}

}  // namespace
}  // namespace textclass::train
