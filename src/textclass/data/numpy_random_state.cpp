#include "textclass/data/numpy_random_state.hpp"

#include <numeric>
#include <utility>

#include "textclass/error.hpp"

namespace textclass::data {

std::uint32_t NumpyRandomState::interval(std::uint32_t max) {
  if (max == 0) return 0;  // numpy draws nothing here
  std::uint32_t mask = max;
  for (int shift = 1; shift <= 16; shift *= 2) mask |= mask >> shift;
  std::uint32_t value;
  do value = static_cast<std::uint32_t>(mt_()) & mask; while (value > max);
  return value;
}

std::vector<std::size_t> NumpyRandomState::permutation(std::size_t n) {
  if (n > (std::size_t{1} << 32)) throw Error("cannot reproduce numpy's permutation of more than 2^32 rows");
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  for (std::size_t i = n > 0 ? n - 1 : 0; i >= 1; --i) std::swap(order[i], order[interval(static_cast<std::uint32_t>(i))]);
  return order;
}

}  // namespace textclass::data
