// Three optimizer steps exactly as the HF Trainer takes them (golden.json adamw_steps): AdamW with
// the Trainer's weight-decay groups, linear decay to zero over 3 steps, clipping at 1.0, batches
// of rows 0-8, 0-4, 0-8 of the golden batch. Compared: each step's loss and pre-clip gradient norm,
// and every parameter after the third step (after3.* in golden.safetensors).
#include <gtest/gtest.h>

#include "../model/hf_fixtures.hpp"
#include "test_backends.hpp"
#include "trainer_steps.hpp"
#include "textclass/model/checkpoint.hpp"
#include "textclass/train/adamw.hpp"
#include "textclass/train/gradient_clipping.hpp"
#include "textclass/train/linear_schedule.hpp"
#include "textclass/train/parameter_groups.hpp"

namespace textclass::train {
namespace {

using textclass::testing::golden_json;
using textclass::testing::golden_tensors;

// On each backend of tests/support/test_backends.hpp (fp32).
using AdamWTrajectory = textclass::testing::BackendTest;
INSTANTIATE_TEST_SUITE_P(Backends, AdamWTrajectory, ::testing::ValuesIn(textclass::testing::backend_names()),
                         textclass::testing::backend_test_name);

// The pooler gets no gradient under this head, so torch leaves it as loaded; so must we (its
// parameters are compared with the others).
TEST_P(AdamWTrajectory, ThreeTrainerStepsMatchHF) {
  auto bert = textclass::testing::load_with_head(backend(), "tiny", model::Head::cls_linear);
  textclass::testing::expect_trainer_steps(backend(), *bert, textclass::testing::GoldenBatch(),
                                           golden_json()["adamw_steps"], golden_tensors());
}

// The GPU's tensor-core precisions train like the CPU's fp32: 40 steps on the golden batch with a
// large learning rate bring the loss from 1.36 to under 0.02 on the CPU, and every step's loss on
// the GPU stays within 5% of the starting loss of the CPU's. A wrong gradient in the tf32 or bf16 path
// leaves the two curves apart. (The tiny model's dropout is 0, so both see the same network.)
std::vector<double> losses_over_steps(backend::Backend& backend, int steps) {
  auto bert = textclass::testing::load_with_head(backend, "tiny", model::Head::cls_linear);
  textclass::testing::GoldenBatch batch;
  const std::vector<ParameterSpan> spans = parameter_groups(bert->table(), 0.01);
  AdamW optimizer(backend, bert->table().total_floats(), spans);
  model::Activations acts(backend);
  std::vector<double> losses;
  for (int s = 0; s < steps; ++s) {
    bert->zero_grad();
    losses.push_back(*bert->forward(acts, batch.rows(0, batch.B), 7000 + s).loss);
    bert->backward(acts);
    optimizer.step(bert->params(), bert->grads(), 3e-3, clip_factor(global_grad_norm(backend, bert->grads(), spans), 1.0));
  }
  return losses;
}

using TensorCoreTraining = textclass::testing::BackendTest;
INSTANTIATE_TEST_SUITE_P(Precisions, TensorCoreTraining,
                         ::testing::Values("cuda-tf32", "cuda-bf16", "cpu-bf16"),
                         textclass::testing::backend_test_name);

TEST_P(TensorCoreTraining, LossCurveTracksTheCpu) {
  auto cpu = backend::make_cpu_backend();
  const int steps = 40;
  const std::vector<double> ours = losses_over_steps(backend(), steps), exact = losses_over_steps(*cpu, steps);
  EXPECT_LT(exact.back(), 0.5 * exact.front());  // the check means something: the loss falls
  // within 5% of the starting loss: rounding moves a converging curve, a wrong gradient stops it
  for (int s = 0; s < steps; ++s) EXPECT_NEAR(ours[s], exact[s], 0.05 * exact.front()) << "step " << s;
}

}  // namespace
}  // namespace textclass::train
