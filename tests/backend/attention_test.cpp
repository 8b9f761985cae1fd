// attention_forward / attention_backward against a double reference and finite differences,
// with padded rows and attention dropout.
#include "op_test.hpp"

namespace textclass::backend::op_test {
namespace {

struct AttentionResult {
  Doubles out, att;
};

// The textbook loops, one (b, h, i) at a time; dropout element (b,h,i,j) is ((b·NH + h)·T + i)·T + j.
AttentionResult reference_attention(const Doubles& qkv, const Ints& mask, float p, uint64_t seed, int B, int T, int C,
                                    int NH) {
  const int hs = C / NH;
  const double scale = 1.0 / std::sqrt(double(hs));
  AttentionResult r{Doubles(static_cast<std::size_t>(B) * T * C, 0.0),
                    Doubles(static_cast<std::size_t>(B) * NH * T * T)};
  auto at = [&](int b, int t, int part, int h, int d) {
    return qkv[(static_cast<std::size_t>(b) * T + t) * 3 * C + part * C + h * hs + d];
  };
  for (int b = 0; b < B; b++) {
    for (int h = 0; h < NH; h++) {
      for (int i = 0; i < T; i++) {
        Doubles scores(T);
        double max = -std::numeric_limits<double>::infinity();
        for (int j = 0; j < T; j++) {
          double q_dot_k = 0.0;
          for (int d = 0; d < hs; d++) q_dot_k += at(b, i, 0, h, d) * at(b, j, 1, h, d);
          const double padding_bias = mask[b * T + j] ? 0.0 : double(std::numeric_limits<float>::lowest());
          scores[j] = scale * q_dot_k + padding_bias;
          max = std::max(max, scores[j]);
        }
        double sum = 0.0;
        for (int j = 0; j < T; j++) sum += std::exp(scores[j] - max);
        for (int j = 0; j < T; j++) {
          const std::size_t index = ((static_cast<std::size_t>(b) * NH + h) * T + i) * T + j;
          const double probability = std::exp(scores[j] - max) / sum;
          r.att[index] = probability;
          const double kept = dropout_uniform(seed, index) >= p ? probability / (1.0 - p) : 0.0;
          for (int d = 0; d < hs; d++)
            r.out[(static_cast<std::size_t>(b) * T + i) * C + h * hs + d] += kept * at(b, j, 2, h, d);
        }
      }
    }
  }
  return r;
}

struct Shape {
  int B, T, C, NH;
};

std::string describe(Shape s, float p) {
  return "B=" + std::to_string(s.B) + " T=" + std::to_string(s.T) + " C=" + std::to_string(s.C) +
         " NH=" + std::to_string(s.NH) + " p=" + std::to_string(p);
}

class AttentionTest : public OpTest {};
INSTANTIATE_TEST_SUITE_P(Backends, AttentionTest, all_backends(), backend_test_name);

constexpr uint64_t seed = 1234;

TEST_P(AttentionTest, ForwardMatchesReference) {
  // The last shape is a real BERT-base layer: 12 heads of 64 channels.
  for (const Shape s : {Shape{1, 1, 4, 1}, Shape{2, 5, 12, 3}, Shape{3, 17, 32, 4}, Shape{2, 64, 768, 12}}) {
    for (const float p : {0.0f, 0.25f}) {
      SCOPED_TRACE(describe(s, p));
      Random random(s.B * 100 + s.T);
      const std::vector<float> qkv = random.floats(static_cast<std::size_t>(s.B) * s.T * 3 * s.C);
      const Ints mask = random.padding_mask(s.B, s.T);
      Buffer<float> qkv_d(backend(), qkv), out_d(backend(), static_cast<std::size_t>(s.B) * s.T * s.C);
      Buffer<float> att_d(backend(), backend().attention_saved(s.B, s.T, s.C, s.NH).floats);
      Buffer<int32_t> mask_d(backend(), mask);
      backend().attention_forward(out_d.get(), att_d.get(), qkv_d.get(), mask_d.get(), p, seed, s.B, s.T, s.C, s.NH);
      const AttentionResult expected = reference_attention(to_doubles(qkv), mask, p, seed, s.B, s.T, s.C, s.NH);
      if (expected.att.size() == backend().attention_saved(s.B, s.T, s.C, s.NH).floats)  // it keeps the probabilities
        expect_close(att_d.read(), expected.att, {1e-5, 1e-7}, "att");
      expect_close(out_d.read(), expected.out, {1e-5, 1e-6}, "out");
      // saving nothing (att null: evaluation) changes nothing in out
      Buffer<float> unsaved_d(backend(), static_cast<std::size_t>(s.B) * s.T * s.C);
      backend().attention_forward(unsaved_d.get(), nullptr, qkv_d.get(), mask_d.get(), p, seed, s.B, s.T, s.C, s.NH);
      EXPECT_EQ(unsaved_d.read(), out_d.read()) << "without att";
    }
  }
}

// Whatever the keys and values at padded positions hold, the output is the same to the bit: their
// probabilities are exactly 0, for padded query rows too (which still attend to the real tokens).
TEST_P(AttentionTest, PaddedKeysGetNoAttention) {
  const Shape s{2, 6, 8, 2};
  const Ints mask = {1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0};
  const std::size_t width = 3 * s.C;  // q, k, v of a token
  std::vector<float> qkv = Random(5).floats(static_cast<std::size_t>(s.B) * s.T * width);
  std::vector<std::vector<float>> outputs;
  for (int variant = 0; variant < 2; ++variant) {
    if (variant == 1) {  // new keys and values for the padded tokens of row 1
      const std::vector<float> other = Random(6).floats(qkv.size(), 8.0f);
      for (int t = 3; t < s.T; t++)
        for (std::size_t c = s.C; c < width; c++) {
          const std::size_t i = (static_cast<std::size_t>(s.T) + t) * width + c;
          qkv[i] = other[i];
        }
    }
    Buffer<float> qkv_d(backend(), qkv), out_d(backend(), static_cast<std::size_t>(s.B) * s.T * s.C);
    Buffer<float> att_d(backend(), backend().attention_saved(s.B, s.T, s.C, s.NH).floats);
    Buffer<int32_t> mask_d(backend(), mask);
    backend().attention_forward(out_d.get(), att_d.get(), qkv_d.get(), mask_d.get(), 0.0f, seed, s.B, s.T, s.C, s.NH);
    outputs.push_back(out_d.read());
  }
  EXPECT_EQ(outputs[0], outputs[1]);
}

TEST_P(AttentionTest, BackwardMatchesFiniteDifferences) {
  for (const Shape s : {Shape{1, 1, 4, 1}, Shape{2, 5, 12, 3}, Shape{2, 9, 16, 2}}) {
    for (const float p : {0.0f, 0.3f}) {
      SCOPED_TRACE(describe(s, p));
      Random random(s.B * 100 + s.T);
      const std::vector<float> qkv = random.floats(static_cast<std::size_t>(s.B) * s.T * 3 * s.C);
      const std::vector<float> dout = random.floats(static_cast<std::size_t>(s.B) * s.T * s.C);
      const Ints mask = random.padding_mask(s.B, s.T);
      Buffer<float> qkv_d(backend(), qkv), dout_d(backend(), dout), dqkv_d(backend(), qkv.size());
      const Backend::AttentionSaved saved = backend().attention_saved(s.B, s.T, s.C, s.NH);
      Buffer<float> out_d(backend(), dout.size()), att_d(backend(), saved.floats);
      Buffer<int32_t> mask_d(backend(), mask);
      backend().attention_forward(out_d.get(), att_d.get(), qkv_d.get(), mask_d.get(), p, seed, s.B, s.T, s.C, s.NH);
      // where att keeps qkv, the backward pass must not read qkv (the model reuses its memory)
      if (saved.keeps_qkv) backend().fill(qkv_d.get(), std::numeric_limits<float>::quiet_NaN(), qkv.size());
      backend().attention_backward(dqkv_d.get(), dout_d.get(), qkv_d.get(), out_d.get(), att_d.get(), mask_d.get(), p,
                                   seed, s.B, s.T, s.C, s.NH);
      const Doubles R = to_doubles(dout);
      expect_gradient(
          dqkv_d.read(), qkv,
          [&](const Doubles& x) { return dot(reference_attention(x, mask, p, seed, s.B, s.T, s.C, s.NH).out, R); },
          "dqkv");
    }
  }
}

}  // namespace
}  // namespace textclass::backend::op_test
