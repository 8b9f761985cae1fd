// Activations' layout: which buffers the layers share, and the packed tokens' rows (RowLayout).
#include <gtest/gtest.h>

#include "test_backends.hpp"
#include "textclass/error.hpp"
#include "textclass/model/activations.hpp"

namespace textclass::model {
namespace {

// Rows for a batch without padding.
RowLayout unpadded(int B, int T) { return row_layout(std::vector<int32_t>(B * T, 1), B, T, 1); }

BertConfig three_layers() {
  BertConfig config;
  config.hidden_size = 32;
  config.num_attention_heads = 2;
  config.intermediate_size = 64;  // narrower than qkv (3 x 32): the shared buffer must hold both
  config.num_hidden_layers = 3;
  config.labels = {"a", "b"};
  return config;
}

// The layers share one buffer for qkv (the attention keeps what its backward pass needs in att).
// Training keeps each layer's GELU output (the backward pass reads it); evaluation shares one buffer
// among the layers for both.
TEST(Activations, LayersShareQkv) {
  const BertConfig config = three_layers();
  auto backend = testing::make_test_backend("cpu");
  for (const bool training : {false, true}) {
    Activations acts(*backend);
    acts.prepare(config, 4, 9, unpadded(4, 9), training);
    const ActivationBuffers& a = acts.buffers();
    EXPECT_EQ(a.layers[0].qkv, a.layers[2].qkv) << "training " << training;
    EXPECT_EQ(a.layers[1].qkv == a.layers[1].fch_gelu, !training) << "training " << training;
    EXPECT_EQ(a.layers[0].fch_gelu == a.layers[2].fch_gelu, !training) << "training " << training;
    EXPECT_EQ(a.layers[0].att != nullptr, training) << "evaluation saves nothing";
  }
}

// The shared qkv buffer holds a whole qkv of the rows (the buffer after it, the first layer's att,
// starts past it), and atty the rows' attention output.
TEST(Activations, BuffersHoldTheRows) {
  const BertConfig config = three_layers();
  auto backend = testing::make_test_backend("cpu");
  Activations acts(*backend);
  const std::size_t C = config.hidden_size;
  acts.prepare(config, 2, 4, row_layout(std::vector<int32_t>{1, 1, 1, 0, 1, 1, 1, 1}, 2, 4, 1), true);
  const ActivationBuffers& a = acts.buffers();
  EXPECT_GE(a.layers[0].att, a.layers[0].qkv + 7 * 3 * C) << "qkv holds the 7 rows";
  EXPECT_GE(a.layers[1].res1, a.layers[1].atty + 7 * C) << "atty holds the 7 rows";
  EXPECT_EQ(acts.padded_row_of_rows().size(), 7u);
}

// Two rows of four tokens, the first with one of padding: the rows of tokens are the seven real ones
// (rounded up to 8 where the backend asks for multiples of 4, the eighth a row of zeros).
TEST(RowLayout, PacksTheRealTokens) {
  const std::vector<int32_t> mask = {1, 1, 1, 0, 1, 1, 1, 1};
  const RowLayout rows = row_layout(mask, 2, 4, 1);
  EXPECT_EQ(rows.M, 7);
  EXPECT_EQ(rows.token_rows, (std::vector<int32_t>{0, 1, 2, 4, 5, 6, 7}));
  EXPECT_EQ(rows.starts, (std::vector<int32_t>{0, 3, 7}));
  EXPECT_EQ(rows.cls_of_row, (std::vector<int32_t>{0, -1, -1, 1, -1, -1, -1}));
  EXPECT_EQ(rows.attention_mask, mask);

  const RowLayout rounded = row_layout(mask, 2, 4, 4);
  EXPECT_EQ(rounded.M, 8) << "7 rows rounded up to 8";
  const std::vector<int32_t> more_padding = {1, 1, 0, 0, 1, 0, 0, 0, 1, 1, 1, 0};
  const RowLayout filled = row_layout(more_padding, 3, 4, 4);
  EXPECT_EQ(filled.M, 8);
  EXPECT_EQ(filled.token_rows, (std::vector<int32_t>{0, 1, 4, 8, 9, 10, -1, -1}));
  EXPECT_EQ(filled.cls_of_row, (std::vector<int32_t>{0, -1, 1, 2, -1, -1, -1, -1}));
  EXPECT_EQ(filled.starts, (std::vector<int32_t>{0, 2, 3, 6})) << "the last start: the real tokens, not M";

  const RowLayout capped = row_layout(std::vector<int32_t>{1, 1, 1}, 1, 3, 64);
  EXPECT_EQ(capped.M, 3) << "never more rows than the padded batch has";
}

// A mask with a gap: the real tokens still become consecutive rows, and the attention's mask is the
// prefix of each sequence's count.
TEST(RowLayout, GapsBecomePrefixes) {
  const RowLayout gap = row_layout(std::vector<int32_t>{1, 0, 1, 1, 1, 1, 1, 0}, 2, 4, 1);
  EXPECT_EQ(gap.token_rows, (std::vector<int32_t>{0, 2, 3, 4, 5, 6}));
  EXPECT_EQ(gap.starts, (std::vector<int32_t>{0, 3, 6}));
  EXPECT_EQ(gap.attention_mask, (std::vector<int32_t>{1, 1, 1, 0, 1, 1, 1, 0}));
}

// A sequence that starts with padding would lose its [CLS] row: an error that says so.
TEST(RowLayout, RefusesASequenceThatStartsWithPadding) {
  try {
    row_layout(std::vector<int32_t>{1, 1, 0, 0, 1, 1}, 2, 3, 1);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("sequence 1 starts with padding"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace textclass::model
