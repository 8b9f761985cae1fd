// Activations' layout: which buffers the layers share, by the backend's attention.
#include <gtest/gtest.h>

#include "test_backends.hpp"
#include "textclass/model/activations.hpp"

namespace textclass::model {
namespace {

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
// then the layers share one buffer (with GELU's output), as evaluation always does.
TEST(Activations, LayersShareQkvWhereNoBackwardPassReadsIt) {
  const BertConfig config = three_layers();
  for (const char* name : {"cpu", "cpu-keeps-qkv"}) {
    SCOPED_TRACE(name);
    auto backend = testing::make_test_backend(name);
    const bool keeps = backend->attention_saved(4, 9, config.hidden_size, config.num_attention_heads).keeps_qkv;
    EXPECT_EQ(keeps, std::string(name) == "cpu-keeps-qkv");
    for (const bool training : {false, true}) {
      Activations acts(*backend);
      acts.prepare(config, 4, 9, training);
      const ActivationBuffers& a = acts.buffers();
      EXPECT_EQ(a.attention_keeps_qkv, keeps);
      const bool shared = !training || keeps;
      EXPECT_EQ(a.layers[0].qkv == a.layers[2].qkv, shared) << "training " << training;
      EXPECT_EQ(a.layers[1].qkv == a.layers[1].fch_gelu, shared) << "training " << training;
    }
  }
}

// The shared buffer is as large as the larger of qkv and GELU's output: the buffer after it (the
// first layer's att) starts past a whole qkv.
TEST(Activations, TheSharedBufferHoldsQkv) {
  const BertConfig config = three_layers();
  auto backend = testing::make_test_backend("cpu-keeps-qkv");
  Activations acts(*backend);
  const int B = 4, T = 9;
  acts.prepare(config, B, T, true);
  const ActivationBuffers& a = acts.buffers();
  const std::size_t qkv = static_cast<std::size_t>(B) * T * 3 * config.hidden_size;
  EXPECT_GE(a.layers[0].att, a.layers[0].qkv + qkv);
}

}  // namespace
}  // namespace textclass::model
