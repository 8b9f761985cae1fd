#pragma once
// The project's own seeded generator for shuffles that need not match numpy (the "random" and
// "stratified" splits): SplitMix64 (Steele, Lea and Flood, 2014). It is written out rather than
// taken from <random> because std::shuffle and std::uniform_int_distribution differ between
// standard libraries, and a seed must give the same split everywhere.
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace textclass::data {

class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}

  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }

  // Uniform in [0, n) for n > 0, without modulo bias: values below 2^64 mod n are redrawn.
  std::uint64_t below(std::uint64_t n) {
    const std::uint64_t threshold = (0 - n) % n;
    for (;;) {
      const std::uint64_t value = next();
      if (value >= threshold) return value % n;
    }
  }

 private:
  std::uint64_t state_;
};

// Fisher-Yates shuffle of `items` with `rng`.
inline void shuffle(std::vector<std::size_t>& items, Rng& rng) {
  for (std::size_t i = items.size(); i > 1; --i) {
    const std::size_t j = rng.below(i);
    std::swap(items[i - 1], items[j]);
  }
}

}  // namespace textclass::data
