// gather_rows against a double reference, as the model uses it: rows in any order, a row picked
// twice, and rows of zeros (index -1); rows of C floats with C a multiple of four and not.
#include "op_test.hpp"

namespace textclass::backend::op_test {
namespace {

Doubles reference_gather(const Doubles& inp, const Ints& rows, int C) {
  Doubles out(rows.size() * C, 0.0);
  for (std::size_t i = 0; i < rows.size(); i++)
    for (int c = 0; c < C && rows[i] >= 0; c++) out[i * C + c] = inp[static_cast<std::size_t>(rows[i]) * C + c];
  return out;
}

class GatherRowsTest : public OpTest {};
INSTANTIATE_TEST_SUITE_P(Backends, GatherRowsTest, all_backends(), backend_test_name);

TEST_P(GatherRowsTest, MatchesReference) {
  const Ints rows = {4, -1, 0, 2, 2, -1, 1};
  for (const int C : {1, 7, 32}) {
    SCOPED_TRACE("C=" + std::to_string(C));
    Random random(C);
    const std::vector<float> inp = random.floats(5 * static_cast<std::size_t>(C));
    Buffer<float> inp_d(backend(), inp), out_d(backend(), rows.size() * C);  // NaN: zeros must be written
    Buffer<int32_t> rows_d(backend(), rows);
    backend().gather_rows(out_d.get(), inp_d.get(), rows_d.get(), static_cast<int>(rows.size()), C);
    expect_close(out_d.read(), reference_gather(to_doubles(inp), rows, C), {0.0, 0.0}, "out");
  }
}

}  // namespace
}  // namespace textclass::backend::op_test
