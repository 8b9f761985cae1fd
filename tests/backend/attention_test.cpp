// attention_forward / attention_backward on the packed rows of tokens, against a double reference
// and finite differences, with sequences of different lengths, rows of no token after them, and
// attention dropout.
#include "op_test.hpp"
#include "packed_rows.hpp"

namespace textclass::backend::op_test {
namespace {

struct Shape {
  int B, T, C, NH;
};

std::string describe(Shape s, float p) {
  return "B=" + std::to_string(s.B) + " T=" + std::to_string(s.T) + " C=" + std::to_string(s.C) +
         " NH=" + std::to_string(s.NH) + " p=" + std::to_string(p);
}

// The textbook loops, one (b, h, i) at a time over each sequence's own tokens; dropout element
// (b,h,i,j) is ((b·NH + h)·T + i)·T + j. Rows of no token stay zero.
Doubles reference_attention(const Doubles& qkv, const PackedRows& rows, float p, uint64_t seed, Shape s) {
  const int C = s.C, NH = s.NH, T = s.T, hs = C / NH;
  const double scale = 1.0 / std::sqrt(double(hs));
  Doubles out(static_cast<std::size_t>(rows.M) * C, 0.0);
  for (int b = 0; b < s.B; b++) {
    const int first = rows.starts[b], L = rows.starts[b + 1] - first;
    auto at = [&](int t, int part, int h, int d) {
      return qkv[(static_cast<std::size_t>(first) + t) * 3 * C + part * C + h * hs + d];
    };
    for (int h = 0; h < NH; h++) {
      for (int i = 0; i < L; i++) {
        Doubles scores(L);
        double max = -std::numeric_limits<double>::infinity();
        for (int j = 0; j < L; j++) {
          double q_dot_k = 0.0;
          for (int d = 0; d < hs; d++) q_dot_k += at(i, 0, h, d) * at(j, 1, h, d);
          scores[j] = scale * q_dot_k;
          max = std::max(max, scores[j]);
        }
        double sum = 0.0;
        for (int j = 0; j < L; j++) sum += std::exp(scores[j] - max);
        for (int j = 0; j < L; j++) {
          const std::size_t index = ((static_cast<std::size_t>(b) * NH + h) * T + i) * T + j;
          const double probability = std::exp(scores[j] - max) / sum;
          const double kept = dropout_uniform(seed, index) >= p ? probability / (1.0 - p) : 0.0;
          for (int d = 0; d < hs; d++)
            out[(static_cast<std::size_t>(first) + i) * C + h * hs + d] += kept * at(j, 2, h, d);
        }
      }
    }
  }
  return out;
}

class AttentionTest : public OpTest {};
INSTANTIATE_TEST_SUITE_P(Backends, AttentionTest, all_backends(), backend_test_name);

constexpr uint64_t seed = 1234;

// The last shape is a real BERT-base layer: 12 heads of 64 channels. The rows of no token hold NaN
// in qkv, so reading them would show.
TEST_P(AttentionTest, ForwardMatchesReference) {
  for (const Shape s : {Shape{1, 1, 4, 1}, Shape{2, 5, 12, 3}, Shape{3, 17, 32, 4}, Shape{3, 70, 128, 2},
                        Shape{2, 64, 768, 12}}) {
    for (const float p : {0.0f, 0.25f}) {
      SCOPED_TRACE(describe(s, p));
      Random random(s.B * 100 + s.T);
      const Ints mask = random.padding_mask(s.B, s.T);
      const PackedRows rows(mask, s.B, s.T, 4);
      std::vector<float> qkv = random.floats(static_cast<std::size_t>(rows.M) * 3 * s.C);
      std::fill(qkv.begin() + static_cast<std::ptrdiff_t>(rows.starts[s.B]) * 3 * s.C, qkv.end(),
                std::numeric_limits<float>::quiet_NaN());
      const std::size_t out_floats = static_cast<std::size_t>(rows.M) * s.C;
      Buffer<float> qkv_d(backend(), qkv), out_d(backend(), out_floats);
      Buffer<float> att_d(backend(), backend().attention_saved_floats(s.B, s.T, s.C, s.NH));
      Buffer<int32_t> mask_d(backend(), mask), starts_d(backend(), rows.starts);
      backend().attention_forward(out_d.get(), att_d.get(), qkv_d.get(), mask_d.get(), starts_d.get(), rows.M, p, seed,
                                  s.B, s.T, s.C, s.NH);
      expect_close(out_d.read(), reference_attention(to_doubles(qkv), rows, p, seed, s), {1e-5, 1e-6}, "out");
      // saving nothing (att null: evaluation) changes nothing in out
      Buffer<float> unsaved_d(backend(), out_floats);
      backend().attention_forward(unsaved_d.get(), nullptr, qkv_d.get(), mask_d.get(), starts_d.get(), rows.M, p, seed,
                                  s.B, s.T, s.C, s.NH);
      EXPECT_EQ(unsaved_d.read(), out_d.read()) << "without att";
    }
  }
}

// The backward pass reads qkv from what the forward pass saved: qkv's memory is NaN by then (the
// model gives every layer's qkv one buffer).
TEST_P(AttentionTest, BackwardMatchesFiniteDifferences) {
  for (const Shape s : {Shape{1, 1, 4, 1}, Shape{2, 5, 12, 3}, Shape{2, 9, 16, 2}}) {
    for (const float p : {0.0f, 0.3f}) {
      SCOPED_TRACE(describe(s, p));
      Random random(s.B * 100 + s.T);
      const Ints mask = random.padding_mask(s.B, s.T);
      const PackedRows rows(mask, s.B, s.T, 4);
      const std::vector<float> qkv = random.floats(static_cast<std::size_t>(rows.M) * 3 * s.C);
      const std::vector<float> dout = random.floats(static_cast<std::size_t>(rows.M) * s.C);
      Buffer<float> qkv_d(backend(), qkv), dout_d(backend(), dout), dqkv_d(backend(), qkv.size());
      Buffer<float> out_d(backend(), dout.size()), att_d(backend(), backend().attention_saved_floats(s.B, s.T, s.C, s.NH));
      Buffer<int32_t> mask_d(backend(), mask), starts_d(backend(), rows.starts);
      backend().attention_forward(out_d.get(), att_d.get(), qkv_d.get(), mask_d.get(), starts_d.get(), rows.M, p, seed,
                                  s.B, s.T, s.C, s.NH);
      backend().fill(qkv_d.get(), std::numeric_limits<float>::quiet_NaN(), qkv.size());
      backend().attention_backward(dqkv_d.get(), dout_d.get(), out_d.get(), att_d.get(), mask_d.get(), starts_d.get(),
                                   rows.M, p, seed, s.B, s.T, s.C, s.NH);
      const Doubles R = to_doubles(dout);
      expect_gradient(
          dqkv_d.read(), qkv, [&](const Doubles& x) { return dot(reference_attention(x, rows, p, seed, s), R); },
          "dqkv");
    }
  }
}

}  // namespace
}  // namespace textclass::backend::op_test
