// RoBERTa and DistilBERT against their reference (tests/fixtures/families): the encoder's input and
// output, the logits and loss of transformers' head, every gradient, on every backend; their
// checkpoints load from transformers' names and save back in them, with transformers' config.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <tuple>

#include "family_fixtures.hpp"
#include "hf_fixtures.hpp"
#include "test_backends.hpp"
#include "textclass/error.hpp"
#include "textclass/model/checkpoint.hpp"

namespace textclass::model {
namespace {

using testing::as_padded;
using testing::cls_rows;
using testing::download;
using testing::family_fixture;
using testing::max_abs_diff;

// (family, backend): every test runs for each family on each fp32 backend of
// tests/support/test_backends.hpp, skipping the backends this machine cannot run.
class FamilyVersusHF : public testing::FamilyBackendTest {
 protected:
  void SetUp() override {
    FamilyBackendTest::SetUp();
    if (IsSkipped()) return;
    golden_ = std::make_unique<testing::FamilyGolden>(family());
  }
  const testing::FamilyGolden& golden() const { return *golden_; }
  std::unique_ptr<Bert> load() { return load_bert(backend(), family_fixture(family(), "tiny")); }

 private:
  std::unique_ptr<testing::FamilyGolden> golden_;
};

INSTANTIATE_TEST_SUITE_P(FamiliesAndBackends, FamilyVersusHF,
                         ::testing::Combine(::testing::ValuesIn(testing::fixture_families()),
                                            ::testing::ValuesIn(testing::fp32_backend_names())),
                         [](const auto& info) {
                           std::string name = std::get<0>(info.param) + "_" + std::get<1>(info.param);
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

// tf32 and bf16 products move the tiny models' logits by rounding only (as BertMixedPrecision).
class FamilyMixedPrecision : public FamilyVersusHF {};
INSTANTIATE_TEST_SUITE_P(TensorCores, FamilyMixedPrecision,
                         ::testing::Combine(::testing::ValuesIn(testing::fixture_families()),
                                            ::testing::Values("cuda-tf32", "cuda-bf16")),
                         [](const auto& info) {
                           std::string name = std::get<0>(info.param) + "_" + std::get<1>(info.param);
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

TEST_P(FamilyMixedPrecision, LogitsAndLossStayCloseToTheReference) {
  auto bert = load();
  Activations acts(backend());
  const Output out = bert->forward(acts, golden().batch.rows(0, golden().batch.B));
  EXPECT_LE(max_abs_diff(out.logits, golden().tensors.read_floats("logits")), 2e-2);
  ASSERT_TRUE(out.loss.has_value());
  EXPECT_NEAR(*out.loss, golden().scalars["loss"].get<double>(), 1e-2);
}

TEST_P(FamilyVersusHF, LoadsAsTheFamilyWithTransformersHead) {
  auto bert = load();
  EXPECT_EQ(model_type(bert->config().family), family());
  EXPECT_EQ(bert->head(), Head::pooler);
  EXPECT_EQ(bert->config().labels, (std::vector<std::string>{"World", "Sports", "Business", "Sci/Tech"}));
  // every parameter is one of the checkpoint's, under its name
  SafetensorsFile file(family_fixture(family(), "tiny/model.safetensors"));
  EXPECT_EQ(bert->table().views().size(), file.names().size());
  for (const ParameterView& view : bert->table().views()) EXPECT_TRUE(file.contains(view.name)) << view.name;
}

// The encoder's input on every row (the padding rows, which the packed tokens leave out, taken from
// the reference's) and its output's [CLS] rows, the only ones the last layer computes.
TEST_P(FamilyVersusHF, EncoderInputAndOutput) {
  auto bert = load();
  Activations acts(backend());
  const testing::GoldenBatch& batch = golden().batch;
  bert->forward(acts, batch.rows(0, batch.B, false));
  const std::size_t C = bert->config().hidden_size;
  const std::vector<int32_t>& rows = acts.padded_row_of_rows();
  EXPECT_GT(std::count_if(rows.begin(), rows.end(), [](int32_t row) { return row >= 0; }), batch.B * 5);
  const std::vector<float> embeddings = golden().tensors.read_floats("embeddings_output");
  EXPECT_LE(max_abs_diff(as_padded(download(backend(), acts.embeddings_output(), rows.size() * C), rows, embeddings, C),
                         embeddings),
            1e-5)
      << "embeddings_output";
  const std::vector<float> cls = cls_rows(golden().tensors.read_floats("last_hidden_state"), batch.B, batch.T, C);
  EXPECT_LE(max_abs_diff(download(backend(), acts.cls_hidden_state(), cls.size()), cls), 1e-5) << "last_hidden_state";
}

TEST_P(FamilyVersusHF, LogitsAndLoss) {
  auto bert = load();
  Activations acts(backend());
  const Output out = bert->forward(acts, golden().batch.rows(0, golden().batch.B));
  EXPECT_LE(max_abs_diff(out.logits, golden().tensors.read_floats("logits")), 1e-5);
  ASSERT_TRUE(out.loss.has_value());
  EXPECT_NEAR(*out.loss, golden().scalars["loss"].get<double>(), 1e-6);
  // without labels: the same logits
  EXPECT_EQ(bert->forward(acts, golden().batch.rows(0, golden().batch.B, false)).logits, out.logits);
}

TEST_P(FamilyVersusHF, EveryGradient) {
  auto bert = load();
  Activations acts(backend());
  bert->zero_grad();
  bert->forward(acts, golden().batch.rows(0, golden().batch.B), /*dropout_seed=*/1);  // dropout is 0 in this config
  bert->backward(acts);
  int compared = 0;
  for (const ParameterView& view : bert->table().views()) {
    SCOPED_TRACE(view.name);
    ASSERT_TRUE(view.trainable);
    const std::vector<float> ours = testing::tensor_of(*bert, bert->grads(), view.name);
    EXPECT_LE(testing::tolerance_ratio(ours, golden().tensors.read_floats("grad." + view.name), 1e-5, 1e-4), 1.0);
    ++compared;
  }
  EXPECT_EQ(compared, golden().scalars["gradients"].get<int>());
}

// DistilBERT has no token types: whatever types a tokenizer gives (pairs: 1 for the second text),
// the model reads none. RoBERTa's one type refuses type 1.
TEST_P(FamilyVersusHF, TokenTypes) {
  auto bert = load();
  Activations acts(backend());
  std::vector<int32_t> ones(golden().batch.token_type_ids.size(), 1);
  Inputs in = golden().batch.rows(0, golden().batch.B);
  in.token_type_ids = ones;
  if (family() == "distilbert") {
    EXPECT_LE(max_abs_diff(bert->forward(acts, in).logits, golden().tensors.read_floats("logits")), 1e-5);
  } else {
    EXPECT_THROW(bert->forward(acts, in), Error);
  }
}

// RoBERTa's positions start at padding_idx + 1: a row may hold max_position_embeddings - 2 tokens.
TEST_P(FamilyVersusHF, RowsLongerThanThePositionsAreRefused) {
  auto bert = load();
  const int limit = bert->config().max_tokens();
  EXPECT_EQ(limit, family() == "roberta" ? 28 - 2 : 24);
  const int T = limit + 1;
  std::vector<int32_t> ids(T, 5), types(T, 0), mask(T, 1), labels = {0};
  Activations acts(backend());
  try {
    bert->forward(acts, {1, T, ids, types, mask, labels, {}});
    ADD_FAILURE() << "a row of " << T << " tokens was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(std::to_string(limit) + " positions"), std::string::npos) << e.what();
  }
  std::vector<int32_t> fits(limit, 5), fit_types(limit, 0), fit_mask(limit, 1);
  EXPECT_NO_THROW(bert->forward(acts, {1, limit, fits, fit_types, fit_mask, labels, {}}));
}

// Saved in transformers' names and layout, with the config transformers writes for the family;
// loading it back gives the same model.
TEST_P(FamilyVersusHF, SavesBackInTransformersForm) {
  auto bert = load();
  const std::string dir = (std::filesystem::temp_directory_path() / ("textclass_family_save_" + family())).string();
  std::filesystem::remove_all(dir);
  save_bert(*bert, dir);

  const nlohmann::json saved = nlohmann::json::parse(std::ifstream(dir + "/config.json"));
  const nlohmann::json original = nlohmann::json::parse(std::ifstream(family_fixture(family(), "tiny/config.json")));
  EXPECT_EQ(saved["model_type"], family());
  EXPECT_EQ(saved["architectures"], original["architectures"]);
  const std::vector<std::string> fields =
      family() == "roberta"
          ? std::vector<std::string>{"vocab_size", "hidden_size", "num_hidden_layers", "num_attention_heads",
                                     "intermediate_size", "max_position_embeddings", "type_vocab_size", "pad_token_id",
                                     "bos_token_id", "eos_token_id", "layer_norm_eps", "id2label", "label2id"}
          : std::vector<std::string>{"vocab_size", "dim", "n_layers", "n_heads", "hidden_dim", "dropout",
                                     "attention_dropout", "seq_classif_dropout", "max_position_embeddings",
                                     "pad_token_id", "sinusoidal_pos_embds", "activation", "id2label", "label2id"};
  for (const std::string& field : fields) EXPECT_EQ(saved[field], original[field]) << field;
  EXPECT_FALSE(std::filesystem::exists(dir + "/modeling_textclass.py"));

  SafetensorsFile ours(dir + "/model.safetensors"), theirs(family_fixture(family(), "tiny/model.safetensors"));
  EXPECT_EQ(ours.names().size(), theirs.names().size());
  for (const std::string& name : theirs.names()) {
    ASSERT_TRUE(ours.contains(name)) << name;
    EXPECT_EQ(ours.info(name).shape, theirs.info(name).shape) << name;
    EXPECT_EQ(ours.read_floats(name), theirs.read_floats(name)) << name;
  }

  auto reloaded = load_bert(backend(), dir);
  Activations acts(backend());
  EXPECT_EQ(reloaded->config().family, bert->config().family);
  EXPECT_LE(max_abs_diff(reloaded->forward(acts, golden().batch.rows(0, golden().batch.B)).logits,
                         golden().tensors.read_floats("logits")),
            1e-5);
  std::filesystem::remove_all(dir);
}

// A pre-training checkpoint (no classifier) gets a new head, transformers' for the family; the
// pre-training tensors it carries (RoBERTa's pooler and lm_head, DistilBERT's vocab_*) are left out.
// The notebook's head is BERT's only.
TEST_P(FamilyVersusHF, PretrainingCheckpointGetsTransformersHead) {
  const std::string dir = family_fixture(family(), "tiny-encoder");
  LoadOptions options;
  options.labels = {"neg", "pos"};
  options.init_seed = 3;
  auto bert = load_bert(backend(), dir, options);
  EXPECT_EQ(bert->head(), Head::pooler);
  const TensorNames& names = tensor_names(bert->config().family);
  const std::vector<float> weight = testing::tensor_of(*bert, bert->params(), names.classifier_weight);
  EXPECT_EQ(weight.size(), 2u * bert->config().hidden_size);
  EXPECT_GT(max_abs_diff(weight, std::vector<float>(weight.size(), 0.0f)), 0.0) << "the classifier was not drawn";
  for (const ParameterView& view : bert->table().views())
    EXPECT_EQ(view.name.find("pooler"), std::string::npos) << view.name;

  options.head = Head::cls_linear;
  try {
    load_bert(backend(), dir, options);
    ADD_FAILURE() << "the notebook's head was accepted for " << family();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("BERT's only"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace textclass::model
