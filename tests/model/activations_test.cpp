// Activations' layout: which buffers the layers share, by the backend's attention, and the packed
// tokens' rows (token_rows) and buffers.
#include <gtest/gtest.h>

#include "test_backends.hpp"
#include "textclass/model/activations.hpp"

namespace textclass::model {
namespace {

// Rows for a batch without padding: one layout.
RowLayout unpadded(int B, int T) { return row_layout(std::vector<int32_t>(B * T, 1), B, T, true, 1); }

BertConfig three_layers() {
  BertConfig config;
  config.hidden_size = 32;
  config.num_attention_heads = 2;
  config.intermediate_size = 64;  // narrower than qkv (3 x 32): the shared buffer must hold both
  config.num_hidden_layers = 3;
  config.labels = {"a", "b"};
  return config;
}

// Training keeps each layer's qkv for the backward pass, unless the attention keeps its own copy:
// then the layers share one buffer for it. Training keeps each layer's GELU output too (the backward
// pass reads it). Evaluation shares one buffer among the layers for both.
TEST(Activations, LayersShareQkvWhereNoBackwardPassReadsIt) {
  const BertConfig config = three_layers();
  for (const char* name : {"cpu", "cpu-keeps-qkv"}) {
    SCOPED_TRACE(name);
    auto backend = testing::make_test_backend(name);
    const bool keeps = backend->attention_saved(4, 9, config.hidden_size, config.num_attention_heads).keeps_qkv;
    EXPECT_EQ(keeps, std::string(name) == "cpu-keeps-qkv");
    for (const bool training : {false, true}) {
      Activations acts(*backend);
      acts.prepare(config, 4, 9, unpadded(4, 9), training);
      const ActivationBuffers& a = acts.buffers();
      EXPECT_EQ(a.attention_keeps_qkv, keeps);
      const bool shared = !training || keeps;
      EXPECT_EQ(a.layers[0].qkv == a.layers[2].qkv, shared) << "training " << training;
      EXPECT_EQ(a.layers[1].qkv == a.layers[1].fch_gelu, !training) << "training " << training;
      EXPECT_EQ(a.layers[0].fch_gelu == a.layers[2].fch_gelu, !training) << "training " << training;
    }
  }
}

// The layers' shared qkv buffer (training, the attention keeping its own copy) holds a whole qkv:
// the buffer after it (the first layer's att) starts past it.
TEST(Activations, TheSharedBufferHoldsQkv) {
  const BertConfig config = three_layers();
  auto backend = testing::make_test_backend("cpu-keeps-qkv");
  Activations acts(*backend);
  const int B = 4, T = 9;
  acts.prepare(config, B, T, unpadded(B, T), true);
  const ActivationBuffers& a = acts.buffers();
  const std::size_t qkv = static_cast<std::size_t>(B) * T * 3 * config.hidden_size;
  EXPECT_GE(a.layers[0].att, a.layers[0].qkv + qkv);
}

// Two rows of four tokens, the first with one of padding: the rows of tokens are the seven real ones
// (rounded up to 8 where the backend asks for multiples of 4, the eighth a row of zeros).
TEST(RowLayout, PackTheRealTokensWhereThereIsPadding) {
  const std::vector<int32_t> mask = {1, 1, 1, 0, 1, 1, 1, 1};
  const RowLayout rows = row_layout(mask, 2, 4, true, 1);
  EXPECT_TRUE(rows.packed);
  EXPECT_EQ(rows.M, 7);
  EXPECT_EQ(rows.token_rows, (std::vector<int32_t>{0, 1, 2, 4, 5, 6, 7}));
  EXPECT_EQ(rows.padded_rows, (std::vector<int32_t>{0, 1, 2, -1, 3, 4, 5, 6}));
  EXPECT_EQ(rows.starts, (std::vector<int32_t>{0, 3, 7}));
  EXPECT_EQ(rows.cls_of_row, (std::vector<int32_t>{0, -1, -1, 1, -1, -1, -1}));
  EXPECT_TRUE(rows.prefix);

  const RowLayout rounded = row_layout(mask, 2, 4, true, 4);
  EXPECT_FALSE(rounded.packed) << "8 rows are no fewer than the padded 8";
  const std::vector<int32_t> more_padding = {1, 1, 0, 0, 1, 0, 0, 0, 1, 1, 1, 0};
  const RowLayout filled = row_layout(more_padding, 3, 4, true, 4);
  EXPECT_TRUE(filled.packed);
  EXPECT_EQ(filled.M, 8);
  EXPECT_EQ(filled.token_rows, (std::vector<int32_t>{0, 1, 4, 8, 9, 10, -1, -1}));
  EXPECT_EQ(filled.cls_of_row, (std::vector<int32_t>{0, -1, 1, 2, -1, -1, -1, -1}));
  EXPECT_EQ(filled.starts, (std::vector<int32_t>{0, 2, 3, 6})) << "the last start: the real tokens, not M";
  EXPECT_TRUE(filled.prefix);

  const RowLayout gap = row_layout(std::vector<int32_t>{1, 0, 1, 1, 1, 1, 1, 0}, 2, 4, true, 1);
  EXPECT_TRUE(gap.packed);
  EXPECT_FALSE(gap.prefix) << "a real token after padding";
}

// No padding, packing off, or a sequence that starts with padding (its [CLS] row would be gone):
// the padded layout, row for row.
TEST(RowLayout, KeepThePaddedLayoutOtherwise) {
  const std::vector<int32_t> padded = {1, 1, 0, 1, 1, 1};
  const std::vector<int32_t> starts_with_padding = {1, 1, 0, 0, 1, 1};
  for (const auto& [mask, pack] : {std::pair{std::vector<int32_t>(6, 1), true}, std::pair{padded, false},
                                   std::pair{starts_with_padding, true}}) {
    const RowLayout rows = row_layout(mask, 2, 3, pack, 1);
    EXPECT_FALSE(rows.packed);
    EXPECT_EQ(rows.M, 6);
    EXPECT_EQ(rows.token_rows, (std::vector<int32_t>{0, 1, 2, 3, 4, 5}));
    EXPECT_EQ(rows.padded_rows, rows.token_rows);
    EXPECT_EQ(rows.starts, (std::vector<int32_t>{0, 3, 6}));
    EXPECT_EQ(rows.cls_of_row, (std::vector<int32_t>{0, -1, -1, 1, -1, -1}));
  }
}

// Packed, the attention's tensors stay padded and the linear layers' rows are temporaries;
// unpacked, each pair is one buffer (so the model moves nothing).
TEST(Activations, PackedRowsAreSeparateBuffersOnlyWhenPacked) {
  const BertConfig config = three_layers();
  auto backend = testing::make_test_backend("cpu");
  const std::vector<int32_t> mask = {1, 1, 1, 0, 1, 1, 1, 1};
  for (const bool pack : {false, true}) {
    SCOPED_TRACE(pack ? "packed" : "unpacked");
    Activations acts(*backend);
    acts.prepare(config, 2, 4, row_layout(mask, 2, 4, pack, 1), true);
    const ActivationBuffers& a = acts.buffers();
    EXPECT_EQ(a.layers[1].qkv_rows != a.layers[1].qkv, pack);
    EXPECT_EQ(a.layers[1].atty_rows != a.layers[1].atty, pack);
    EXPECT_EQ(a.d_atty != a.d_b, pack);
    EXPECT_EQ(a.d_qkv_rows != a.d_qkv, pack);
    EXPECT_EQ(acts.padded_row_of_rows().size(), pack ? 7u : 8u);
    EXPECT_FALSE(a.attention_on_rows) << "the CPU attends on the padded layout";
  }
}

// On a backend that attends on rows, packed with prefix masks: the attention's tensors are the rows'
// (each pair one buffer, as wide as the rows) and nothing moves. A mask with a gap keeps the padded
// attention.
TEST(Activations, AttentionOnRowsMovesNothing) {
  const BertConfig config = three_layers();
  auto backend = testing::make_test_backend("cpu-on-rows");
  const std::size_t C = config.hidden_size;
  {
    Activations acts(*backend);
    acts.prepare(config, 2, 4, row_layout(std::vector<int32_t>{1, 1, 1, 0, 1, 1, 1, 1}, 2, 4, true, 1), true);
    const ActivationBuffers& a = acts.buffers();
    EXPECT_TRUE(a.attention_on_rows);
    EXPECT_EQ(a.layers[1].qkv_rows, a.layers[1].qkv);
    EXPECT_EQ(a.layers[1].atty_rows, a.layers[1].atty);
    EXPECT_EQ(a.d_atty, a.d_b);
    EXPECT_EQ(a.d_qkv_rows, a.d_qkv);
    EXPECT_GE(a.layers[1].atty, a.layers[1].qkv + 7 * 3 * C) << "qkv holds the 7 rows";
    EXPECT_GE(a.layers[1].res1, a.layers[1].atty + 7 * C) << "atty holds the 7 rows";
  }
  Activations acts(*backend);
  acts.prepare(config, 2, 4, row_layout(std::vector<int32_t>{1, 0, 1, 1, 1, 1, 1, 0}, 2, 4, true, 1), true);
  EXPECT_FALSE(acts.buffers().attention_on_rows);
  EXPECT_NE(acts.buffers().layers[1].qkv_rows, acts.buffers().layers[1].qkv);
}

}  // namespace
}  // namespace textclass::model
