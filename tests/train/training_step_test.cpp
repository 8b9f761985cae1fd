// train::TrainingStep on the CUDA backend records each batch's forward and backward passes as one
// recording, a CUDA graph from the second batch of a shape on. With dropout on (whose seeds each
// replay must renew) and batches of three sizes in turn, so that each shape is run directly,
// captured and then replayed three times, every step's loss and gradient norm equal those of a
// backend that launches every op directly, to the rounding that the kernels' atomic adds leave
// free; a replay that reused its capture's dropout masks would be off by far more.
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

TEST(TrainingStepOnCuda, ReplayedGraphsTrainAsDirectLaunchesDo) {
  const std::string why_not = textclass::testing::backend_unavailable_reason("cuda");
  if (!why_not.empty()) GTEST_SKIP() << "cuda: " << why_not;
  expect_trace_near("cuda", trace_of_steps("cuda-direct"), 1e-5);
}

// The fused attention kernels (fused_attention.cuh), replayed in graphs, against the plan launched
// directly: different arithmetic for the same math, so equal to rounding, not to the bit.
TEST(TrainingStepOnCuda, FusedAttentionTrainsAsThePlanDoes) {
  const std::string why_not = textclass::testing::backend_unavailable_reason("cuda-fused");
  if (!why_not.empty()) GTEST_SKIP() << "cuda-fused: " << why_not;
  expect_trace_near("cuda-fused", trace_of_steps("cuda-direct"), 1e-4);
}

// Fused rounding (cuda_backend.hpp, on by default) changes where the products' bf16 inputs are
// rounded, not their values: the ops' roundings are the products' own, bit for bit. So its steps,
// launched directly and replayed in graphs (each recording starts with no rounding current), follow
// those of bf16 with the products rounding their own inputs to the atomic adds' order, which may
// flip a bf16 rounding here and there: within 0.1%. A product that read a stale rounding (of
// another layer's, step's or batch's tensor) would be off by more.
TEST(TrainingStepOnCuda, FusedRoundingTrainsAsThePlainBf16) {
  const std::string why_not = textclass::testing::backend_unavailable_reason("cuda-bf16-separate-rounding");
  if (!why_not.empty()) GTEST_SKIP() << "cuda-bf16-separate-rounding: " << why_not;
  const std::vector<double> plain = trace_of_steps("cuda-bf16-separate-rounding");
  expect_trace_near("cuda-bf16-fused-rounding", plain, 1e-3);
  expect_trace_near("cuda-bf16-fused-rounding-graphs", plain, 1e-3);
}

// A linear layer's two backward products run side by side on two streams by default (the fork after
// the factors' bf16 copies; the join before the next op, or deferred until something needs the
// weight gradient or writes what its product reads). The same kernels on the same inputs, so
// its steps, launched directly and replayed in graphs (which capture the fork and the join), follow
// those of the products one after the other to the atomic adds' order; a product that read its
// factors before they were written or after they were written again, or an op that read a gradient
// before its product wrote it, would be off by far more.
TEST(TrainingStepOnCuda, ConcurrentProductsTrainAsOneStream) {
  const std::string why_not = textclass::testing::backend_unavailable_reason("cuda-bf16-one-stream");
  if (!why_not.empty()) GTEST_SKIP() << "cuda-bf16-one-stream: " << why_not;
  const std::vector<double> one_stream = trace_of_steps("cuda-bf16-one-stream");
  expect_trace_near("cuda-bf16-one-stream-graphs", one_stream, 1e-3);
  expect_trace_near("cuda-bf16", one_stream, 1e-3);
  expect_trace_near("cuda-bf16-prompt-joins", one_stream, 1e-3);
  expect_trace_near("cuda-bf16-fused-rounding-graphs", one_stream, 1e-3);
}

// With overlapped updates AdamW runs on a second stream in pieces, and the next step's ops wait only
// for the pieces of the parameters they read and of the memory they write. The same kernels on the
// same numbers, so its steps follow those of AdamW on the main stream to the atomic adds' order; an
// op that read a parameter a step old (AdamW at lr 1e-3 moves the tiny model's weights, of about
// 0.02, by some 5% a step), or a fill of the gradients before a piece read them, would be off by far
// more.
TEST(TrainingStepOnCuda, OverlappedUpdatesTrainAsUpdatesInTurn) {
  const std::string why_not = textclass::testing::backend_unavailable_reason("cuda-bf16-overlapped-updates");
  if (!why_not.empty()) GTEST_SKIP() << "cuda-bf16-overlapped-updates: " << why_not;
  expect_trace_near("cuda-bf16-overlapped-updates", trace_of_steps("cuda-bf16"), 1e-3);
}

}  // namespace
}  // namespace textclass::train
