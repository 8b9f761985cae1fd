// Backend recordings (backend.hpp). The CUDA backend runs a key's ops directly the first time,
// captures them as a CUDA graph the second and replays the graph after: every pass must still do
// its own work with its own dropout seeds, and a key whose ops change is refused. The CPU runs
// every op as it comes, so there the first test checks only that recordings change nothing.
#include <stdexcept>

#include "op_test.hpp"

namespace textclass::backend::op_test {
namespace {

class RecordingTest : public OpTest {};
INSTANTIATE_TEST_SUITE_P(Backends, RecordingTest, all_backends(), backend_test_name);

// Five passes of one key (direct, captured, replayed three times), each with new inputs and new
// seeds, against the same ops run outside any recording.
TEST_P(RecordingTest, EveryPassDoesItsOwnWorkWithItsOwnSeeds) {
  constexpr std::size_t n = 1000;
  Buffer<float> x_d(backend(), n), mid_d(backend(), n), out_d(backend(), n), expected_d(backend(), n);
  for (int pass = 0; pass < 5; ++pass) {
    SCOPED_TRACE("pass " + std::to_string(pass));
    const std::vector<float> x = Random(pass).floats(n, 1.0f);
    backend().upload(x_d.get(), x.data(), n * sizeof(float));
    backend().fill(out_d.get(), std::numeric_limits<float>::quiet_NaN(), n);
    {
      Recording recording(backend(), 7);
      backend().dropout_forward(mid_d.get(), x_d.get(), 0.5f, 100 + pass, n);
      backend().dropout_forward(out_d.get(), mid_d.get(), 0.25f, 200 + pass, n);
      recording.finish();
    }
    backend().dropout_forward(mid_d.get(), x_d.get(), 0.5f, 100 + pass, n);
    backend().dropout_forward(expected_d.get(), mid_d.get(), 0.25f, 200 + pass, n);
    EXPECT_EQ(out_d.read(), expected_d.read());
  }
}

TEST_P(RecordingTest, CudaRefusesAKeyWhoseOpsChange) {
  if (GetParam().rfind("cpu", 0) == 0) GTEST_SKIP() << "the CPU checks no recording";
  Buffer<float> x_d(backend(), 16);
  for (int pass = 0; pass < 2; ++pass) {  // run, then captured
    Recording recording(backend(), 9);
    backend().fill(x_d.get(), 1.0f, 16);
    recording.finish();
  }
  Recording recording(backend(), 9);
  backend().fill(x_d.get(), 2.0f, 16);
  EXPECT_THROW(recording.finish(), std::logic_error);
}

TEST_P(RecordingTest, CudaRefusesMemoryCallsInsideARecording) {
  if (GetParam().rfind("cpu", 0) == 0) GTEST_SKIP() << "the CPU checks no recording";
  Buffer<float> x_d(backend(), 16);
  std::vector<float> host(16);
  Recording recording(backend(), 11);  // cancelled when the test ends
  EXPECT_THROW(backend().alloc(4), std::logic_error);
  EXPECT_THROW(backend().download(host.data(), x_d.get(), sizeof(float) * 16), std::logic_error);
  EXPECT_THROW(backend().sum_squares(x_d.get(), 16), std::logic_error);
}

}  // namespace
}  // namespace textclass::backend::op_test
