#pragma once
// Shared machinery of the op tests, after ggml's test-backend-ops: every test is parametrised over
// the backends of tests/support/test_backends.hpp and checks one op against a naive double-precision
// reference written in its test file, and its backward against central finite differences of
// that reference. Outputs are poisoned with NaN before an op runs, so an element it forgets to
// write fails the comparison.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <random>
#include <string>
#include <type_traits>
#include <vector>

#include "test_backends.hpp"
#include "textclass/backend/backend.hpp"

namespace textclass::backend::op_test {

using Doubles = std::vector<double>;
using Ints = std::vector<int32_t>;

// The backends every op test runs on: tests/support/test_backends.hpp.
inline ::testing::internal::ParamGenerator<std::string> all_backends() {
  return ::testing::ValuesIn(textclass::testing::backend_names());
}
using textclass::testing::backend_test_name;
using OpTest = textclass::testing::BackendTest;

// A buffer in the backend's memory, owned by a test. Float buffers made from a size start as NaN.
template <typename T>
class Buffer {
  static_assert(std::is_same_v<T, float> || std::is_same_v<T, int32_t>);

 public:
  Buffer(Backend& backend, std::size_t n) : backend_(backend), size_(n) {
    if constexpr (std::is_same_v<T, float>) {
      data_ = backend.alloc(n);
      backend.fill(data_, std::numeric_limits<float>::quiet_NaN(), n);
    } else {
      data_ = backend.alloc_ints(n);
    }
  }
  Buffer(Backend& backend, const std::vector<T>& host) : Buffer(backend, host.size()) {
    backend.upload(data_, host.data(), host.size() * sizeof(T));
  }
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;
  ~Buffer() { backend_.free(data_); }

  T* get() { return data_; }
  std::vector<T> read() const {
    std::vector<T> host(size_);
    backend_.download(host.data(), data_, size_ * sizeof(T));
    backend_.synchronize();
    return host;
  }

 private:
  Backend& backend_;
  std::size_t size_;
  T* data_;
};

// Seeded random inputs. Values are never zero (magnitudes in [0.1, 1] times scale, random sign), so
// a kernel that ignores an input cannot pass by luck.
class Random {
 public:
  explicit Random(uint64_t seed) : engine_(seed) {}
  std::vector<float> floats(std::size_t n, float scale = 1.0f) {
    std::uniform_real_distribution<float> magnitude(0.1f, 1.0f);
    std::bernoulli_distribution negative(0.5);
    std::vector<float> values(n);
    for (float& v : values) v = scale * (negative(engine_) ? -magnitude(engine_) : magnitude(engine_));
    return values;
  }
  Ints ints(std::size_t n, int32_t below) {
    std::uniform_int_distribution<int32_t> pick(0, below - 1);
    Ints values(n);
    for (int32_t& v : values) v = pick(engine_);
    return values;
  }
  // mask[B,T] of a padded batch: row 0 full (the longest text), the others padded after a random
  // length in [1, T-1].
  Ints padding_mask(int B, int T) {
    Ints mask(static_cast<std::size_t>(B) * T, 0);
    for (int b = 0; b < B; b++) {
      const int length = b == 0 || T == 1 ? T : 1 + ints(1, T - 1)[0];
      std::fill(mask.begin() + static_cast<std::ptrdiff_t>(b) * T,
                mask.begin() + static_cast<std::ptrdiff_t>(b) * T + length, 1);
    }
    return mask;
  }

 private:
  std::mt19937_64 engine_;
};

inline Doubles to_doubles(const std::vector<float>& x) { return Doubles(x.begin(), x.end()); }

// after - before, element by element: what an accumulating op added.
inline Doubles added(const std::vector<float>& after, const std::vector<float>& before) {
  Doubles difference(after.size());
  for (std::size_t i = 0; i < after.size(); i++) difference[i] = double(after[i]) - double(before[i]);
  return difference;
}

// Σ out·R: the scalar loss whose gradient with respect to out is R.
inline double dot(const Doubles& out, const Doubles& R) {
  double sum = 0.0;
  for (std::size_t i = 0; i < out.size(); i++) sum += out[i] * R[i];
  return sum;
}

inline double max_abs(const Doubles& x) {
  double m = 0.0;
  for (double v : x) m = std::max(m, std::abs(v));
  return m;
}

// Element i passes when |actual - expected| <= atol + rtol·|expected|; NaN never passes.
struct Tolerance {
  double rtol;
  double atol;
};

template <typename Actual>
void expect_close(const std::vector<Actual>& actual, const Doubles& expected, Tolerance tolerance,
                  const std::string& what) {
  ASSERT_EQ(actual.size(), expected.size()) << what;
  std::size_t failures = 0, worst = 0;
  double worst_ratio = 0.0;
  for (std::size_t i = 0; i < actual.size(); i++) {
    const double error = std::abs(double(actual[i]) - expected[i]);
    const double bound = tolerance.atol + tolerance.rtol * std::abs(expected[i]);
    if (error <= bound) continue;
    failures++;
    const double ratio = std::isnan(error) ? std::numeric_limits<double>::infinity() : error / bound;
    if (failures == 1 || ratio > worst_ratio) worst = i, worst_ratio = ratio;
  }
  EXPECT_EQ(failures, 0u) << what << ": " << failures << " of " << actual.size() << " elements off; worst [" << worst
                          << "] = " << actual[worst] << ", expected " << expected[worst];
}

// d loss / d x_i by central differences in double.
inline Doubles numeric_gradient(Doubles x, const std::function<double(const Doubles&)>& loss) {
  constexpr double h = 1e-4;
  Doubles gradient(x.size());
  for (std::size_t i = 0; i < x.size(); i++) {
    const double saved = x[i];
    x[i] = saved + h;
    const double plus = loss(x);
    x[i] = saved - h;
    const double minus = loss(x);
    x[i] = saved;
    gradient[i] = (plus - minus) / (2 * h);
  }
  return gradient;
}

// An op's analytic gradient (float, from the backend) against finite differences of the double
// reference at x: relative to the gradient's largest element, with a floor for all-zero ones.
template <typename Actual>
void expect_gradient(const std::vector<Actual>& analytic, const std::vector<float>& x,
                     const std::function<double(const Doubles&)>& loss, const std::string& what) {
  const Doubles numeric = numeric_gradient(to_doubles(x), loss);
  expect_close(analytic, numeric, {1e-3, 1e-4 * max_abs(numeric) + 1e-6}, what + " vs finite differences");
}

}  // namespace textclass::backend::op_test
