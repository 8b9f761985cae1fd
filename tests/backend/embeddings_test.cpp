// embeddings_forward / embeddings_backward against a double reference and finite differences.
#include "op_test.hpp"

namespace textclass::backend::op_test {
namespace {

Doubles reference_embeddings(const Ints& ids, const Ints& types, const Doubles& wte, const Doubles& wpe,
                             const Doubles& wtt, int B, int T, int C) {
  Doubles out(static_cast<std::size_t>(B) * T * C);
  for (int b = 0; b < B; b++) {
    for (int t = 0; t < T; t++) {
      const std::size_t bt = static_cast<std::size_t>(b) * T + t;
      for (int c = 0; c < C; c++) {
        out[bt * C + c] = wte[static_cast<std::size_t>(ids[bt]) * C + c] + wpe[static_cast<std::size_t>(t) * C + c] +
                          wtt[static_cast<std::size_t>(types[bt]) * C + c];
      }
    }
  }
  return out;
}

struct Shape {
  int B, T, C;
};

class EmbeddingsTest : public OpTest {};
INSTANTIATE_TEST_SUITE_P(Backends, EmbeddingsTest, all_backends(), backend_test_name);

// A small vocabulary, so ids repeat within a batch and their gradients must add up; more positions
// than T, so some rows of wpe are never used and their gradients must stay as they were.
constexpr int vocab = 13, positions_extra = 3, types = 2;

TEST_P(EmbeddingsTest, ForwardMatchesReferenceAndBackwardMatchesFiniteDifferences) {
  for (const Shape s : {Shape{1, 1, 1}, Shape{2, 6, 5}, Shape{3, 4, 70}}) {  // 70 spans two channel blocks
    SCOPED_TRACE("B=" + std::to_string(s.B) + " T=" + std::to_string(s.T) + " C=" + std::to_string(s.C));
    Random random(s.B * 100 + s.T * 10 + s.C);
    const std::size_t tokens = static_cast<std::size_t>(s.B) * s.T;
    const Ints ids = random.ints(tokens, vocab), token_types = random.ints(tokens, types);
    const int positions = s.T + positions_extra;
    const std::vector<float> wte = random.floats(static_cast<std::size_t>(vocab) * s.C);
    const std::vector<float> wpe = random.floats(static_cast<std::size_t>(positions) * s.C);
    const std::vector<float> wtt = random.floats(static_cast<std::size_t>(types) * s.C);
    const std::vector<float> dout = random.floats(tokens * s.C);
    const std::vector<float> dwte_before = random.floats(wte.size()), dwpe_before = random.floats(wpe.size());
    const std::vector<float> dwtt_before = random.floats(wtt.size());
    Buffer<int32_t> ids_d(backend(), ids), types_d(backend(), token_types);
    Buffer<float> wte_d(backend(), wte), wpe_d(backend(), wpe), wtt_d(backend(), wtt), out_d(backend(), tokens * s.C);
    Buffer<float> dout_d(backend(), dout), dwte_d(backend(), dwte_before), dwpe_d(backend(), dwpe_before);
    Buffer<float> dwtt_d(backend(), dwtt_before);
    backend().embeddings_forward(out_d.get(), ids_d.get(), types_d.get(), nullptr, wte_d.get(), wpe_d.get(),
                                 wtt_d.get(), s.B * s.T, s.T, s.C, vocab, types);
    backend().embeddings_backward(dwte_d.get(), dwpe_d.get(), dwtt_d.get(), dout_d.get(), ids_d.get(), types_d.get(),
                                  nullptr, s.B * s.T, s.T, s.C, vocab, types);

    const Doubles Wte = to_doubles(wte), Wpe = to_doubles(wpe), Wtt = to_doubles(wtt), R = to_doubles(dout);
    // Two float additions: the result is within two roundings of the exact sum.
    expect_close(out_d.read(), reference_embeddings(ids, token_types, Wte, Wpe, Wtt, s.B, s.T, s.C), {2.5e-7, 1e-7},
                 "out");
    auto loss = [&](const Doubles& te, const Doubles& pe, const Doubles& tt) {
      return dot(reference_embeddings(ids, token_types, te, pe, tt, s.B, s.T, s.C), R);
    };
    expect_gradient(
        added(dwte_d.read(), dwte_before), wte, [&](const Doubles& x) { return loss(x, Wpe, Wtt); }, "dwte");
    expect_gradient(
        added(dwpe_d.read(), dwpe_before), wpe, [&](const Doubles& x) { return loss(Wte, x, Wtt); }, "dwpe");
    expect_gradient(
        added(dwtt_d.read(), dwtt_before), wtt, [&](const Doubles& x) { return loss(Wte, Wpe, x); }, "dwtt");
  }
}

// On rows (the model's packed tokens): out's row r is token rows[r]'s embeddings, zeros where rows[r]
// < 0, and the backward pass scatters the rows as the padded op scatters a dout whose other tokens
// are zero.
TEST_P(EmbeddingsTest, RowsPickTheirTokens) {
  const int B = 2, T = 5, C = 70;
  const Ints rows = {0, 1, 2, 5, 6, 7, 8, -1, -1};  // batch rows of 3 and 4 tokens, two rows of none
  const int M = static_cast<int>(rows.size());
  Random random(41);
  const Ints ids = random.ints(B * T, vocab), token_types = random.ints(B * T, types);
  const std::vector<float> wte = random.floats(static_cast<std::size_t>(vocab) * C);
  const std::vector<float> wpe = random.floats(static_cast<std::size_t>(T) * C);
  const std::vector<float> wtt = random.floats(static_cast<std::size_t>(types) * C);
  const std::vector<float> dout = random.floats(static_cast<std::size_t>(M) * C);
  Buffer<int32_t> ids_d(backend(), ids), types_d(backend(), token_types), rows_d(backend(), rows);
  Buffer<float> wte_d(backend(), wte), wpe_d(backend(), wpe), wtt_d(backend(), wtt);

  Buffer<float> padded_d(backend(), static_cast<std::size_t>(B) * T * C), out_d(backend(), static_cast<std::size_t>(M) * C);
  backend().embeddings_forward(padded_d.get(), ids_d.get(), types_d.get(), nullptr, wte_d.get(), wpe_d.get(),
                               wtt_d.get(), B * T, T, C, vocab, types);
  backend().embeddings_forward(out_d.get(), ids_d.get(), types_d.get(), rows_d.get(), wte_d.get(), wpe_d.get(),
                               wtt_d.get(), M, T, C, vocab, types);
  const std::vector<float> padded = padded_d.read();
  std::vector<float> expected(static_cast<std::size_t>(M) * C, 0.0f), padded_dout(padded.size(), 0.0f);
  for (int r = 0; r < M; r++) {
    if (rows[r] < 0) continue;
    std::copy_n(padded.begin() + std::size_t(rows[r]) * C, C, expected.begin() + std::size_t(r) * C);
    std::copy_n(dout.begin() + std::size_t(r) * C, C, padded_dout.begin() + std::size_t(rows[r]) * C);
  }
  EXPECT_EQ(out_d.read(), expected);

  Buffer<float> dout_d(backend(), dout), padded_dout_d(backend(), padded_dout);
  Buffer<float> dwte_d(backend(), std::vector<float>(wte.size(), 0.0f)), dwpe_d(backend(), std::vector<float>(wpe.size(), 0.0f)),
      dwtt_d(backend(), std::vector<float>(wtt.size(), 0.0f));
  Buffer<float> padded_dwte_d(backend(), std::vector<float>(wte.size(), 0.0f)),
      padded_dwpe_d(backend(), std::vector<float>(wpe.size(), 0.0f)),
      padded_dwtt_d(backend(), std::vector<float>(wtt.size(), 0.0f));
  backend().embeddings_backward(dwte_d.get(), dwpe_d.get(), dwtt_d.get(), dout_d.get(), ids_d.get(), types_d.get(),
                                rows_d.get(), M, T, C, vocab, types);
  backend().embeddings_backward(padded_dwte_d.get(), padded_dwpe_d.get(), padded_dwtt_d.get(), padded_dout_d.get(),
                                ids_d.get(), types_d.get(), nullptr, B * T, T, C, vocab, types);
  // (a GPU adds with atomics, in no fixed order)
  expect_close(dwte_d.read(), to_doubles(padded_dwte_d.read()), {1e-6, 1e-6}, "dwte");
  expect_close(dwpe_d.read(), to_doubles(padded_dwpe_d.read()), {1e-6, 1e-6}, "dwpe");
  expect_close(dwtt_d.read(), to_doubles(padded_dwtt_d.read()), {1e-6, 1e-6}, "dwtt");
}

}  // namespace
}  // namespace textclass::backend::op_test
