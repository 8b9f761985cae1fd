#pragma once
// Splitting a dataset's rows into train and validation parts.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace textclass::data {

enum class SplitMode {
  notebook,    // the notebook's np.random.seed(seed); train_test_split(df, train_size=fraction), exactly
  random,      // a seeded shuffle with our own generator (Rng)
  stratified,  // per class, the same train fraction; seeded with Rng
};

std::string_view split_mode_name(SplitMode mode);

struct SplitOptions {
  SplitMode mode = SplitMode::notebook;
  double train_fraction = 0.9;
  std::uint32_t seed = 1122;  // numpy seeds are 32-bit
};

struct Split {
  std::vector<std::size_t> train;       // row indices, in training order
  std::vector<std::size_t> validation;  // row indices
};

// Splits rows 0..labels.size()-1 (labels are used by the stratified mode only). Throws
// textclass::Error when the fraction is not in (0, 1) or leaves one part empty.
Split split_rows(const std::vector<int>& labels, const SplitOptions& options);

// The notebook's split of n rows. sklearn's ShuffleSplit with only train_size given:
// n_train = floor(fraction * n), n_test = n - n_train; permutation = rng.permutation(n) on numpy's
// global RandomState seeded by np.random.seed(seed); test = permutation[:n_test],
// train = permutation[n_test:n_test + n_train].
Split notebook_split(std::size_t n, double train_fraction, std::uint32_t seed);

}  // namespace textclass::data
