// Sentence pairs through the Predictor against the PyTorch reference (tests/fixtures/families/
// FAMILY/pair.safetensors, made by make_fixtures.py): rows in each family's pair template with the
// tokenizer's token types, packed by make_batch and run through the tiny model of the family, give
// the reference's logits on every fp32 backend. BERT's type 1 has an embedding of its own (the
// logits depend on it); RoBERTa's pairs are all type 0; DistilBERT has no token types and ignores
// the 1s of its tokenizer.
#include <gtest/gtest.h>

#include <algorithm>
#include <tuple>

#include "../model/family_fixtures.hpp"
#include "../model/hf_fixtures.hpp"
#include "test_backends.hpp"
#include "textclass/model/checkpoint.hpp"
#include "textclass/train/predictor.hpp"

namespace textclass::train {
namespace {

using textclass::testing::family_fixture;

using PairLogits = textclass::testing::FamilyBackendTest;

INSTANTIATE_TEST_SUITE_P(FamiliesAndBackends, PairLogits,
                         ::testing::Combine(::testing::Values("bert", "roberta", "distilbert"),
                                            ::testing::ValuesIn(textclass::testing::fp32_backend_names())),
                         [](const auto& info) {
                           std::string name = std::get<0>(info.param) + "_" + std::get<1>(info.param);
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

// The fixture's padded rows as the tokenizer's unpadded ones.
data::TokenRows pair_rows(const model::SafetensorsFile& file) {
  const std::size_t B = file.info("input_ids").shape[0], T = file.info("input_ids").shape[1];
  const std::vector<int32_t> ids = file.read_ints("input_ids"), types = file.read_ints("token_type_ids"),
                             mask = file.read_ints("attention_mask");
  data::TokenRows rows;
  for (std::size_t b = 0; b < B; ++b) {
    const auto first = static_cast<std::ptrdiff_t>(b * T);
    const auto n = static_cast<std::ptrdiff_t>(std::count(mask.begin() + first, mask.begin() + first + T, 1));
    rows.ids.emplace_back(ids.begin() + first, ids.begin() + first + n);
    rows.token_type_ids.emplace_back(types.begin() + first, types.begin() + first + n);
  }
  return rows;
}

std::vector<float> flat(const Predictions& predictions) {
  std::vector<float> out;
  for (const std::vector<float>& row : predictions.logits) out.insert(out.end(), row.begin(), row.end());
  return out;
}

TEST_P(PairLogits, PairsWithTheirTokenTypesGiveTheReferenceLogits) {
  const model::SafetensorsFile file(family_fixture(family(), "pair.safetensors"));
  const auto bert = model::load_bert(backend(), family_fixture(family(), "tiny"));
  data::TokenRows rows = pair_rows(file);
  ASSERT_EQ(rows.size(), 4u);
  const bool typed = std::any_of(rows.token_type_ids.begin(), rows.token_type_ids.end(),
                                 [](const auto& types) { return std::count(types.begin(), types.end(), 1) > 0; });
  EXPECT_EQ(typed, family() != "roberta");  // RoBERTa's tokenizer gives its pairs type 0 only
  // batches of 3: the Predictor sorts by length, so the rows are packed out of order and padded
  Predictor predictor(*bert, 3, family() == "roberta" ? 1 : 0);
  const std::vector<float> logits = flat(predictor.predict(rows));
  EXPECT_LE(textclass::testing::max_abs_diff(logits, file.read_floats("logits")), 1e-5);

  // the same ids with every token type 0: BERT answers otherwise, the others (no type 1) the same
  rows.token_type_ids.clear();
  const std::vector<float> untyped = flat(predictor.predict(rows));
  // (by ten times the tolerance above: the tiny model's embeddings are small)
  if (family() == "bert") EXPECT_GT(textclass::testing::max_abs_diff(untyped, logits), 1e-4);
  else EXPECT_EQ(untyped, logits);
}

}  // namespace
}  // namespace textclass::train
