// Bert against HuggingFace on the tiny random model (tests/fixtures/hf): the encoder's outputs,
// both heads' logits and losses, and every gradient of the notebook head's loss.
#include <gtest/gtest.h>

#include <algorithm>

#include "hf_fixtures.hpp"
#include "test_backends.hpp"
#include "textclass/error.hpp"
#include "textclass/model/checkpoint.hpp"

namespace textclass::model {
namespace {

using testing::as_padded;
using testing::cls_rows;
using testing::download;
using testing::golden_json;
using testing::golden_tensors;
using testing::hf_fixture;
using testing::max_abs_diff;

// Every test runs on each backend of tests/support/test_backends.hpp (fp32): the fixtures hold on
// the GPU as on the CPU.
class BertVersusHF : public testing::BackendTest {
 protected:
  testing::GoldenBatch batch;

  std::unique_ptr<Bert> load(const std::string& dir, Head head) { return testing::load_with_head(backend(), dir, head); }
};
INSTANTIATE_TEST_SUITE_P(Backends, BertVersusHF, ::testing::ValuesIn(testing::backend_names()),
                         testing::backend_test_name);

// The encoder's input on every row (the padding rows, which packed tokens leave out, taken from
// HF's; the batch has some) and its output's [CLS] rows, the only ones the last layer computes.
TEST_P(BertVersusHF, EncoderOutputsMatchFromBothCheckpointStyles) {
  for (const char* dir : {"tiny", "tiny-pretraining-style"}) {
    SCOPED_TRACE(dir);
    auto bert = load(dir, Head::cls_linear);
    Activations acts(backend());
    bert->forward(acts, batch.rows(0, batch.B, false));
    const std::size_t C = bert->config().hidden_size, N = static_cast<std::size_t>(batch.B) * batch.T;
    const std::vector<int32_t>& rows = acts.padded_row_of_rows();
    EXPECT_LT(rows.size(), N);
    const std::vector<float> embeddings = golden_tensors().read_floats("embeddings_output");
    EXPECT_LE(max_abs_diff(as_padded(download(backend(), acts.embeddings_output(), rows.size() * C), rows, embeddings, C),
                           embeddings),
              1e-5);
    const std::vector<float> cls = cls_rows(golden_tensors().read_floats("last_hidden_state"), batch.B, batch.T, C);
    EXPECT_LE(max_abs_diff(download(backend(), acts.cls_hidden_state(), cls.size()), cls), 1e-5);
  }
}

TEST_P(BertVersusHF, NotebookHeadLogitsAndLoss) {
  auto bert = load("tiny", Head::cls_linear);
  Activations acts(backend());
  Output out = bert->forward(acts, batch.rows(0, batch.B));
  EXPECT_LE(max_abs_diff(out.logits, golden_tensors().read_floats("seed_head.logits")), 1e-5);
  ASSERT_TRUE(out.loss.has_value());
  EXPECT_NEAR(*out.loss, golden_json()["seed_head.loss"].get<double>(), 1e-6);
}

TEST_P(BertVersusHF, SequenceClassificationHeadLogitsAndLoss) {
  auto bert = load("tiny", Head::pooler);
  Activations acts(backend());
  Output out = bert->forward(acts, batch.rows(0, batch.B));
  EXPECT_LE(max_abs_diff(out.logits, golden_tensors().read_floats("hf_head.logits")), 1e-5);
  ASSERT_TRUE(out.loss.has_value());
  EXPECT_NEAR(*out.loss, golden_json()["hf_head.loss"].get<double>(), 1e-6);
}

TEST_P(BertVersusHF, PredictionWithoutLabelsGivesTheSameLogits) {
  auto bert = load("tiny", Head::pooler);
  Activations acts(backend());
  Output out = bert->forward(acts, batch.rows(0, batch.B, false));
  EXPECT_FALSE(out.loss.has_value());
  EXPECT_LE(max_abs_diff(out.logits, golden_tensors().read_floats("hf_head.logits")), 1e-5);
}

TEST_P(BertVersusHF, EveryGradientOfTheNotebookHead) {
  auto bert = load("tiny", Head::cls_linear);
  Activations acts(backend());
  bert->zero_grad();
  bert->forward(acts, batch.rows(0, batch.B), /*dropout_seed=*/1);  // dropout is 0 in this config
  bert->backward(acts);
  int compared = 0;
  for (const ParameterView& view : bert->table().views()) {
    SCOPED_TRACE(view.name);
    std::vector<float> ours = testing::tensor_of(*bert, bert->grads(), view.name);
    if (!view.trainable) {  // the pooler: HF's .grad is None, ours stays zero
      EXPECT_FALSE(golden_tensors().contains("grad." + view.name));
      EXPECT_EQ(max_abs_diff(ours, std::vector<float>(ours.size(), 0.0f)), 0.0);
      continue;
    }
    std::vector<float> theirs = golden_tensors().read_floats("grad." + view.name);
    EXPECT_LE(testing::tolerance_ratio(ours, theirs, 1e-5, 1e-4), 1.0);
    ++compared;
  }
  EXPECT_EQ(compared, 39);  // all of golden.safetensors' grad.* tensors
}

// Padding past the longest row (what data::make_batch's pad_to_multiple_of adds) is masked:
// logits, loss and gradients stay HF's.
TEST_P(BertVersusHF, LongerPaddingChangesNothing) {
  const int extra = 7, T = batch.T + extra;
  std::vector<int32_t> ids(static_cast<std::size_t>(batch.B) * T, 0), types(ids.size(), 0), mask(ids.size(), 0);
  for (int b = 0; b < batch.B; ++b)
    for (int t = 0; t < batch.T; ++t) {
      const std::size_t from = static_cast<std::size_t>(b) * batch.T + t, to = static_cast<std::size_t>(b) * T + t;
      ids[to] = batch.input_ids[from];
      types[to] = batch.token_type_ids[from];
      mask[to] = batch.attention_mask[from];
    }
  Inputs padded = batch.rows(0, batch.B);
  padded.T = T;
  padded.input_ids = ids;
  padded.token_type_ids = types;
  padded.attention_mask = mask;
  auto bert = load("tiny", Head::cls_linear);
  Activations acts(backend());
  bert->zero_grad();
  const Output out = bert->forward(acts, padded, /*dropout_seed=*/1);  // dropout is 0 in this config
  bert->backward(acts);
  EXPECT_LE(max_abs_diff(out.logits, golden_tensors().read_floats("seed_head.logits")), 1e-5);
  EXPECT_NEAR(*out.loss, golden_json()["seed_head.loss"].get<double>(), 1e-5);
  for (const std::string name : {"bert.embeddings.word_embeddings.weight", "bert.encoder.layer.0.attention.self.query.weight",
                                 "classifier.weight"}) {
    SCOPED_TRACE(name);
    EXPECT_LE(testing::tolerance_ratio(testing::tensor_of(*bert, bert->grads(), name),
                                       golden_tensors().read_floats("grad." + name), 1e-5, 1e-4),
              1.0);
  }
}

// A mask with a gap (padding between real tokens, which the tokenizer never makes but a caller of
// the library may): as in HF, the token under the gap has no effect at all (its id can be anything),
// while the mask does (the logits differ from the ungapped batch's); and every backend gives the
// CPU's logits and gradients.
TEST_P(BertVersusHF, MasksWithGapsLeaveTheGapOut) {
  std::vector<int32_t> gapped = batch.attention_mask;
  int row = -1, length = 0;  // a row with padding: its second token becomes padding, its first padding a token
  for (int b = 0; b < batch.B && row < 0; b++) {
    length = static_cast<int>(std::count(gapped.begin() + b * batch.T, gapped.begin() + (b + 1) * batch.T, 1));
    if (length >= 3 && length < batch.T) row = b;
  }
  ASSERT_GE(row, 0) << "the golden batch has a padded row of 3 tokens or more";
  const std::size_t gap = static_cast<std::size_t>(row) * batch.T + 1;
  gapped[gap] = 0;
  gapped[static_cast<std::size_t>(row) * batch.T + length] = 1;
  Inputs in = batch.rows(0, batch.B);
  in.attention_mask = gapped;

  auto cpu = backend::make_cpu_backend();
  auto reference = testing::load_with_head(*cpu, "tiny", Head::cls_linear);
  Activations reference_acts(*cpu);
  reference->zero_grad();
  const Output expected = reference->forward(reference_acts, in, /*dropout_seed=*/1);
  reference->backward(reference_acts);

  auto bert = load("tiny", Head::cls_linear);
  Activations acts(backend());
  bert->zero_grad();
  const Output out = bert->forward(acts, in, /*dropout_seed=*/1);
  bert->backward(acts);
  EXPECT_LE(max_abs_diff(out.logits, expected.logits), 1e-5);
  const std::string name = "bert.encoder.layer.0.attention.self.query.weight";
  EXPECT_LE(testing::tolerance_ratio(testing::tensor_of(*bert, bert->grads(), name),
                                     testing::tensor_of(*reference, reference->grads(), name), 1e-5, 1e-4),
            1.0);

  std::vector<int32_t> other_ids = batch.input_ids;
  other_ids[gap] = (other_ids[gap] + 17) % bert->config().vocab_size;
  Inputs other = in;
  other.input_ids = other_ids;
  EXPECT_EQ(bert->forward(acts, other).logits, bert->forward(acts, in).logits) << "the gap's token changed them";
  EXPECT_GT(max_abs_diff(bert->forward(acts, batch.rows(0, batch.B)).logits, out.logits), 1e-4)
      << "the gap changed nothing";
}

TEST_P(BertVersusHF, GradientsAccumulateAcrossBackwardPasses) {
  auto bert = load("tiny", Head::cls_linear);
  Activations acts(backend());
  bert->zero_grad();
  bert->forward(acts, batch.rows(0, batch.B), 1);
  bert->backward(acts);
  bert->forward(acts, batch.rows(0, batch.B), 2);
  bert->backward(acts);
  std::vector<float> ours = testing::tensor_of(*bert, bert->grads(), "classifier.weight");
  std::vector<float> twice = golden_tensors().read_floats("grad.classifier.weight");
  for (float& g : twice) g *= 2.0f;
  EXPECT_LE(testing::tolerance_ratio(ours, twice, 2e-5, 1e-4), 1.0);
}

// zero_grad clears only the gradients that ops add to (embeddings, biases, LayerNorms); the linear
// layers' weight gradients, most of the floats, are overwritten by the next backward pass instead.
// Whatever a step left in any gradient (NaN here), the next step's are a fresh model's.
TEST_P(BertVersusHF, ZeroGradLeavesNothingOfTheLastStep) {
  for (const Head head : {Head::cls_linear, Head::pooler}) {
    SCOPED_TRACE(head == Head::pooler ? "pooler head" : "notebook head");
    auto fresh = load("tiny", head), used = load("tiny", head);
    Activations acts(backend());
    fresh->zero_grad();
    fresh->forward(acts, batch.rows(0, batch.B), 1);
    fresh->backward(acts);

    for (const ParameterView& view : used->table().views())
      backend().fill(used->grads() + view.offset, std::nanf(""), view.numel);
    used->zero_grad();
    int left = 0;
    for (const ParameterView& view : used->table().views()) {
      const std::vector<float> g = testing::tensor_of(*used, used->grads(), view.name);
      const bool overwritten =
          view.trainable && view.shape.size() == 2 && view.name.find("embeddings") == std::string::npos;
      left += overwritten;
      EXPECT_EQ(std::count_if(g.begin(), g.end(), [](float x) { return std::isnan(x); }), overwritten ? g.size() : 0)
          << view.name << (overwritten ? " left for backward to overwrite" : " cleared");
    }
    EXPECT_EQ(left, head == Head::pooler ? 2 * 6 + 2 : 2 * 6 + 1);  // (the tiny model has 2 layers)

    used->forward(acts, batch.rows(0, batch.B), 1);
    used->backward(acts);
    for (const ParameterView& view : used->table().views())
      EXPECT_LE(max_abs_diff(testing::tensor_of(*used, used->grads(), view.name),
                             testing::tensor_of(*fresh, fresh->grads(), view.name)),
                1e-6)
          << view.name;
  }
}

TEST_P(BertVersusHF, ActivationsGrowForLargerBatches) {
  auto bert = load("tiny", Head::cls_linear);
  Activations acts(backend());
  Output small = bert->forward(acts, batch.rows(0, 2));
  Output full = bert->forward(acts, batch.rows(0, batch.B));
  std::vector<float> expected = golden_tensors().read_floats("seed_head.logits");
  EXPECT_LE(max_abs_diff(small.logits, std::vector<float>(expected.begin(), expected.begin() + small.logits.size())), 1e-5);
  EXPECT_LE(max_abs_diff(full.logits, expected), 1e-5);
}

TEST_P(BertVersusHF, GradientsAreMadeOnlyWhenTrainingNeedsThem) {
  const std::size_t before = backend().memory_use().current;
  auto bert = load("tiny", Head::cls_linear);
  const std::size_t parameter_bytes = bert->table().total_floats() * sizeof(float);
  EXPECT_EQ(backend().memory_use().current - before, parameter_bytes);  // the parameters, no gradients
  bert->zero_grad();
  EXPECT_EQ(backend().memory_use().current - before, 2 * parameter_bytes);  // now the gradients too
}

TEST_P(BertVersusHF, BackwardWithoutATrainingPassIsAProgrammingError) {
  auto bert = load("tiny", Head::cls_linear);
  Activations acts(backend());
  bert->forward(acts, batch.rows(0, 2));
  EXPECT_THROW(bert->backward(acts), std::logic_error);
}

TEST_P(BertVersusHF, InputsOutsideTheModelAreRefused) {
  auto bert = load("tiny", Head::cls_linear);
  Activations acts(backend());
  testing::GoldenBatch bad = batch;
  bad.input_ids[3] = bert->config().vocab_size;
  EXPECT_THROW(bert->forward(acts, bad.rows(0, 1)), Error);
  bad = batch;
  bad.labels[0] = 4;
  EXPECT_THROW(bert->forward(acts, bad.rows(0, 1)), Error);
}

// tf32 and bf16 matmul products (bf16 is the GPU's default precision) move the tiny model's
// logits by rounding only: a few thousandths here, where a wrong kernel moves them by tenths.
// cpu-bf16-inference: the CPU's bf16 as predict runs it (weights packed once, biases fused).
using BertMixedPrecision = testing::BackendTest;
INSTANTIATE_TEST_SUITE_P(TensorCores, BertMixedPrecision,
                         ::testing::Values("cuda-tf32", "cuda-bf16", "cpu-bf16", "cpu-bf16-inference"),
                         testing::backend_test_name);

TEST_P(BertMixedPrecision, LogitsAndLossStayCloseToHF) {
  auto bert = testing::load_with_head(backend(), "tiny", Head::cls_linear);
  testing::GoldenBatch batch;
  Activations acts(backend());
  Output out = bert->forward(acts, batch.rows(0, batch.B));
  EXPECT_LE(max_abs_diff(out.logits, golden_tensors().read_floats("seed_head.logits")), 2e-2);
  ASSERT_TRUE(out.loss.has_value());
  EXPECT_NEAR(*out.loss, golden_json()["seed_head.loss"].get<double>(), 1e-2);
}

}  // namespace
}  // namespace textclass::model
