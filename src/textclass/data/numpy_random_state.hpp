#pragma once
// numpy's legacy global generator, as far as the notebook's split uses it: np.random.seed(seed)
// followed by RandomState.permutation(n), reproduced bit for bit.
#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

namespace textclass::data {

class NumpyRandomState {
 public:
  // np.random.seed(int) seeds MT19937 with Matsumoto and Nishimura's init_genrand
  // (mt19937_seed in numpy/random/src/mt19937), which is exactly std::mt19937's seeding; the
  // 32-bit outputs (genrand_int32) are the same too.
  explicit NumpyRandomState(std::uint32_t seed) : mt_(seed) {}

  // random_interval(max) for max < 2^32: uniform in [0, max] by masked rejection sampling — draw
  // 32 bits, keep those of the smallest all-ones mask covering max, retry while above max.
  std::uint32_t interval(std::uint32_t max);

  // RandomState.permutation(n): np.arange(n) shuffled by the legacy Fisher-Yates (_shuffle_raw):
  // for i = n-1 down to 1, swap a[i] with a[interval(i)]. n is at most 2^32 (numpy would switch to
  // 64-bit draws beyond, for datasets no one holds in memory).
  std::vector<std::size_t> permutation(std::size_t n);

 private:
  std::mt19937 mt_;
};

}  // namespace textclass::data
