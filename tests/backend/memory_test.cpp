// The memory ops the others' tests stand on: upload, download, copy, fill.
#include "op_test.hpp"

namespace textclass::backend::op_test {
namespace {

class MemoryTest : public OpTest {};
INSTANTIATE_TEST_SUITE_P(Backends, MemoryTest, all_backends(), backend_test_name);

TEST_P(MemoryTest, RoundTripsCopiesAndFills) {
  for (const std::size_t n : {std::size_t{1}, std::size_t{1000}, std::size_t{100003}}) {
    SCOPED_TRACE("n=" + std::to_string(n));
    Random random(n);
    const std::vector<float> x = random.floats(n);
    const Ints ids = random.ints(n, 30522);
    Buffer<float> x_d(backend(), x), copy_d(backend(), n), filled_d(backend(), n);
    Buffer<int32_t> ids_d(backend(), ids);
    backend().copy(copy_d.get(), x_d.get(), n);
    backend().fill(filled_d.get(), -2.5f, n);
    EXPECT_EQ(x_d.read(), x);
    EXPECT_EQ(copy_d.read(), x);
    EXPECT_EQ(filled_d.read(), std::vector<float>(n, -2.5f));
    EXPECT_EQ(ids_d.read(), ids);
  }
}

TEST_P(MemoryTest, CountsWhatItHoldsAndItsPeak) {
  const Backend::MemoryUse before = backend().memory_use();
  float* a = backend().alloc(1000);
  int32_t* b = backend().alloc_ints(500);
  const Backend::MemoryUse both = backend().memory_use();
  EXPECT_EQ(both.current, before.current + 1000 * sizeof(float) + 500 * sizeof(int32_t));
  EXPECT_GE(both.peak, both.current);
  backend().free(a);
  backend().free(b);
  const Backend::MemoryUse after = backend().memory_use();
  EXPECT_EQ(after.current, before.current);
  EXPECT_EQ(after.peak, both.peak);  // the peak remembers
}

}  // namespace
}  // namespace textclass::backend::op_test
