// Three optimizer steps of each family as the HF Trainer takes them (tests/fixtures/families/*/
// golden.json adamw_steps): AdamW with the Trainer's weight-decay groups (DistilBERT's
// sa_layer_norm and output_layer_norm are LayerNorms, not decayed), linear decay to zero over 3
// steps, clipping at 1.0, rows 0-8, 0-4, 0-8. Compared: each step's loss and pre-clip gradient
// norm, and every parameter after the third step.
#include <gtest/gtest.h>

#include <algorithm>
#include <tuple>

#include "../model/family_fixtures.hpp"
#include "test_backends.hpp"
#include "trainer_steps.hpp"
#include "textclass/model/checkpoint.hpp"
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

  // the decay group is the Trainer's
  std::vector<std::string> decayed;
  for (const model::ParameterView& view : bert->table().views())
    if (applies_weight_decay(view.name)) decayed.push_back(view.name);
  std::sort(decayed.begin(), decayed.end());
  EXPECT_EQ(decayed, golden.scalars["decay_params"].get<std::vector<std::string>>());

  textclass::testing::expect_trainer_steps(backend(), *bert, golden.batch, golden.scalars["adamw_steps"], golden.tensors);
}

}  // namespace
}  // namespace textclass::train
