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

// attention_forward_rows and attention_backward_rows (packed tokens, Backend::attends_on_rows) on a
// backend that has them, against the same backend's padded ops where padding queries have no output
// gradient (as in the model): the same out for every token, to the bit, and the same dqkv (to the
// order of a GPU's atomic adds); zeros in the rows after the last token, whose qkv and dout are
// NaN and so must not be read, as qkv's must not where att keeps it. The bf16 backends with the
// tensor-core attention run it too (the comparison is with themselves).
class AttentionRowsTest : public OpTest {};
INSTANTIATE_TEST_SUITE_P(Backends, AttentionRowsTest, all_backends(), backend_test_name);
#ifdef TEXTCLASS_HAS_CUDA
INSTANTIATE_TEST_SUITE_P(TensorCores, AttentionRowsTest,
                         ::testing::Values("cuda-bf16", "cuda-bf16-reading-qkv"),
                         backend_test_name);
#endif

TEST_P(AttentionRowsTest, RowsGiveThePaddedNumbers) {
  bool ran = false;
  for (const Shape s : {Shape{1, 1, 32, 2}, Shape{2, 9, 32, 2}, Shape{3, 70, 128, 2}, Shape{4, 40, 768, 12}}) {
    if (!backend().attends_on_rows(s.B, s.T, s.C, s.NH)) continue;
    ran = true;
    for (const float p : {0.0f, 0.25f}) {
      SCOPED_TRACE(describe(s, p));
      const int C = s.C, T = s.T;
      const std::size_t N = static_cast<std::size_t>(s.B) * T;
      Random random(s.B * 10 + T);
      const std::vector<float> qkv = random.floats(N * 3 * C);
      std::vector<float> dout = random.floats(N * C);
      const Ints mask = random.padding_mask(s.B, T);
      Ints starts(s.B + 1, 0), padded_row;  // the packed layout, and the padded row of each of its tokens
      for (std::size_t i = 0; i < N; i++) {
        if (mask[i] == 0) {
          std::fill_n(dout.begin() + i * C, C, 0.0f);
          continue;
        }
        starts[i / T + 1] = static_cast<int32_t>(padded_row.size()) + 1;
        padded_row.push_back(static_cast<int32_t>(i));
      }
      const int real = static_cast<int>(padded_row.size()), M = real + 3;  // 3 rows of no token
      const float nan = std::numeric_limits<float>::quiet_NaN();
      std::vector<float> rows_qkv(static_cast<std::size_t>(M) * 3 * C, nan), rows_dout(static_cast<std::size_t>(M) * C, nan);
      for (int row = 0; row < real; row++) {
        std::copy_n(qkv.begin() + std::size_t(padded_row[row]) * 3 * C, 3 * C, rows_qkv.begin() + std::size_t(row) * 3 * C);
        std::copy_n(dout.begin() + std::size_t(padded_row[row]) * C, C, rows_dout.begin() + std::size_t(row) * C);
      }
      const Backend::AttentionSaved saved = backend().attention_saved(s.B, T, C, s.NH);
      Buffer<int32_t> mask_d(backend(), mask), starts_d(backend(), starts);

      Buffer<float> qkv_d(backend(), qkv), dout_d(backend(), dout), out_d(backend(), N * C), att_d(backend(), saved.floats),
          dqkv_d(backend(), N * 3 * C);
      backend().attention_forward(out_d.get(), att_d.get(), qkv_d.get(), mask_d.get(), p, seed, s.B, T, C, s.NH);
      backend().attention_backward(dqkv_d.get(), dout_d.get(), qkv_d.get(), out_d.get(), att_d.get(), mask_d.get(), p,
                                   seed, s.B, T, C, s.NH);
      Buffer<float> rows_qkv_d(backend(), rows_qkv), rows_dout_d(backend(), rows_dout),
          rows_out_d(backend(), static_cast<std::size_t>(M) * C), rows_att_d(backend(), saved.floats),
          rows_dqkv_d(backend(), static_cast<std::size_t>(M) * 3 * C);
      backend().attention_forward_rows(rows_out_d.get(), rows_att_d.get(), rows_qkv_d.get(), mask_d.get(),
                                       starts_d.get(), M, p, seed, s.B, T, C, s.NH);
      if (saved.keeps_qkv) backend().fill(rows_qkv_d.get(), nan, rows_qkv.size());
      backend().attention_backward_rows(rows_dqkv_d.get(), rows_dout_d.get(), rows_qkv_d.get(), rows_out_d.get(),
                                        rows_att_d.get(), mask_d.get(), starts_d.get(), M, p, seed, s.B, T, C, s.NH);

      const std::vector<float> out = out_d.read(), dqkv = dqkv_d.read();
      std::vector<float> expected_out(static_cast<std::size_t>(M) * C, 0.0f);
      Doubles expected_dqkv(static_cast<std::size_t>(M) * 3 * C, 0.0);
      for (int row = 0; row < real; row++) {
        std::copy_n(out.begin() + std::size_t(padded_row[row]) * C, C, expected_out.begin() + std::size_t(row) * C);
        std::copy_n(dqkv.begin() + std::size_t(padded_row[row]) * 3 * C, 3 * C,
                    expected_dqkv.begin() + std::size_t(row) * 3 * C);
      }
      EXPECT_EQ(rows_out_d.read(), expected_out) << "out";
      expect_close(rows_dqkv_d.read(), expected_dqkv, {1e-5, 1e-6}, "dqkv");
    }
  }
  if (!ran) GTEST_SKIP() << "attention on the padded layout only here (" << backend().name() << ")";
}

}  // namespace
}  // namespace textclass::backend::op_test
