#pragma once
// The HF Trainer's first three steps as a golden.json's adamw_steps record them, taken here: AdamW
// with the Trainer's weight-decay groups, linear decay to zero over 3 steps, clipping at 1.0, each
// step's batch rows (batch_rows) of the fixture's batch. Checks each step's loss and pre-clip
// gradient norm (and the learning rate after it, where recorded), then every parameter against
// after3.<name> in the fixture's tensors: within 1e-6, since the weight decay moves a parameter p by
// only about 2e-5 p over these three steps and a decay-group mix-up must show.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "../model/hf_fixtures.hpp"
#include "textclass/model/safetensors_file.hpp"
#include "textclass/train/adamw.hpp"
#include "textclass/train/gradient_clipping.hpp"
#include "textclass/train/linear_schedule.hpp"
#include "textclass/train/parameter_groups.hpp"

namespace textclass::testing {

inline void expect_trainer_steps(backend::Backend& backend, model::Bert& bert, const GoldenBatch& batch,
                                 const nlohmann::json& steps, const model::SafetensorsFile& tensors) {
  ASSERT_EQ(steps.size(), 3u);
  const std::vector<train::ParameterSpan> spans = train::parameter_groups(bert.table(), 0.01);
  train::AdamW optimizer(backend, bert.table().total_floats(), spans);
  const train::LinearSchedule schedule(1e-3, 0, 3);
  model::Activations acts(backend);
  for (int s = 0; s < 3; ++s) {
    SCOPED_TRACE("step " + std::to_string(s));
    const nlohmann::json& step = steps[s];
    bert.zero_grad();
    const model::Output out = bert.forward(acts, batch.rows(step["batch_rows"][0], step["batch_rows"][1]), 1000 + s);
    bert.backward(acts);
    const double norm = train::global_grad_norm(backend, bert.grads(), spans);
    optimizer.step(bert.params(), bert.grads(), schedule.lr(s), train::clip_factor(norm, 1.0));
    EXPECT_NEAR(*out.loss, step["loss"].get<double>(), 1e-6);
    EXPECT_NEAR(norm, step["grad_norm_before_clip"].get<double>(), 1e-5);
    if (step.contains("lr_after")) {
      EXPECT_NEAR(schedule.lr(s + 1), step["lr_after"].get<double>(), 1e-12);
    }
  }
  EXPECT_EQ(optimizer.steps_taken(), 3);
  for (const model::ParameterView& view : bert.table().views()) {
    SCOPED_TRACE(view.name);
    EXPECT_LE(max_abs_diff(tensor_of(bert, bert.params(), view.name), tensors.read_floats("after3." + view.name)), 1e-6);
  }
}

}  // namespace textclass::testing
