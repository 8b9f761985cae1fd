// train::TrainingStep on each CUDA backend follows the CPU's steps: 15 steps of the tiny model with
// dropout on (the same masks on every backend) and batches of three sizes in turn, each step's loss
// and gradient norm within a bound set by the precision: fp32 to the order of the GPU's atomic adds,
// tf32 and bf16 to their products' rounding. An op that read a tensor before it was written, or
// after it was written again (the bf16 backend's concurrent products, deferred joins and fused
// roundings), or a stale bf16 copy of the weights, would be off by far more.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "../model/hf_fixtures.hpp"
#include "test_backends.hpp"
#include "textclass/model/checkpoint.hpp"
#include "textclass/train/training_step.hpp"

namespace textclass::train {
namespace {

// Loss and gradient norm of each of 15 steps of the tiny model with dropout 0.1.
std::vector<double> trace_of_steps(const std::string& backend_name) {
  auto backend = textclass::testing::make_test_backend(backend_name);
  model::LoadOptions options;
  options.dropout = 0.1;
  auto bert = model::load_bert(*backend, textclass::testing::hf_fixture("tiny"), options);
  textclass::testing::GoldenBatch batch;
  TrainingStep step(*bert, 0.01, 1.0);
  std::vector<double> trace;
  for (int s = 1; s <= 15; ++s) {
    step.start(s);
    trace.push_back(step.add_batch(batch.rows(0, 2 + s % 3), 500 + s));
    trace.push_back(step.apply(1e-3));
  }
  return trace;
}

// Each step's loss and gradient norm on the named backend within `relative` of `expected`'s.
void expect_trace_near(const std::string& backend_name, const std::vector<double>& expected, double relative) {
  SCOPED_TRACE(backend_name);
  const std::vector<double> trace = trace_of_steps(backend_name);
  ASSERT_EQ(trace.size(), expected.size());
  for (std::size_t i = 0; i < trace.size(); ++i)
    EXPECT_NEAR(trace[i], expected[i], relative * std::abs(expected[i]))
        << (i % 2 == 0 ? "loss" : "norm") << " of step " << i / 2 + 1;
}

struct Bound {
  const char* backend;
  double relative;
};

class TrainingStepOnCuda : public ::testing::TestWithParam<Bound> {};
INSTANTIATE_TEST_SUITE_P(Precisions, TrainingStepOnCuda,
                         ::testing::Values(Bound{"cuda", 1e-4}, Bound{"cuda-tf32", 1e-2}, Bound{"cuda-bf16", 3e-2},
                                           Bound{"cpu-bf16", 3e-2}),
                         [](const ::testing::TestParamInfo<Bound>& info) {
                           std::string name = info.param.backend;
                           for (char& c : name)
                             if (c == '-') c = '_';
                           return name;
                         });

TEST_P(TrainingStepOnCuda, FollowsTheCpusSteps) {
  const std::string why_not = textclass::testing::backend_unavailable_reason(GetParam().backend);
  if (!why_not.empty()) GTEST_SKIP() << GetParam().backend << ": " << why_not;
  expect_trace_near(GetParam().backend, trace_of_steps("cpu"), GetParam().relative);
}

}  // namespace
}  // namespace textclass::train
