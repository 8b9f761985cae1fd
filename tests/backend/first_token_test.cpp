// first_token_forward / first_token_backward against a double reference and finite differences.
#include "op_test.hpp"

namespace textclass::backend::op_test {
namespace {

Doubles reference_first_token(const Doubles& inp, int B, int T, int C) {
  Doubles out(static_cast<std::size_t>(B) * C);
  for (int b = 0; b < B; b++) {
    for (int c = 0; c < C; c++) out[static_cast<std::size_t>(b) * C + c] = inp[static_cast<std::size_t>(b) * T * C + c];
  }
  return out;
}

struct Shape {
  int B, T, C;
};

class FirstTokenTest : public OpTest {};
INSTANTIATE_TEST_SUITE_P(Backends, FirstTokenTest, all_backends(), backend_test_name);

TEST_P(FirstTokenTest, ForwardMatchesReferenceAndBackwardMatchesFiniteDifferences) {
  for (const Shape s : {Shape{1, 1, 1}, Shape{3, 5, 7}, Shape{4, 2, 33}}) {
    SCOPED_TRACE("B=" + std::to_string(s.B) + " T=" + std::to_string(s.T) + " C=" + std::to_string(s.C));
    Random random(s.B + s.T + s.C);
    const std::vector<float> inp = random.floats(static_cast<std::size_t>(s.B) * s.T * s.C);
    const std::vector<float> dout = random.floats(static_cast<std::size_t>(s.B) * s.C);
    Buffer<float> inp_d(backend(), inp), out_d(backend(), dout.size()), dout_d(backend(), dout);
    Buffer<float> dinp_d(backend(), inp.size());  // NaN: the backward must zero the rows t > 0 itself
    backend().first_token_forward(out_d.get(), inp_d.get(), s.B, s.T, s.C);
    backend().first_token_backward(dinp_d.get(), dout_d.get(), s.B, s.T, s.C);
    expect_close(out_d.read(), reference_first_token(to_doubles(inp), s.B, s.T, s.C), {0.0, 0.0}, "out");
    const Doubles R = to_doubles(dout);
    expect_gradient(
        dinp_d.read(), inp, [&](const Doubles& x) { return dot(reference_first_token(x, s.B, s.T, s.C), R); }, "dinp");
  }
}

}  // namespace
}  // namespace textclass::backend::op_test
