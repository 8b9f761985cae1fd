#include "textclass/data/split.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/core.h>
#include <map>

#include "textclass/data/numpy_random_state.hpp"
#include "textclass/data/rng.hpp"
#include "textclass/error.hpp"

namespace textclass::data {
namespace {

// sklearn's _validate_shuffle_split for a float train_size: floor, the rest goes to the test part.
std::size_t train_count(std::size_t n, double train_fraction) {
  if (!(train_fraction > 0.0 && train_fraction < 1.0)) {
    throw Error(fmt::format("train fraction must be between 0 and 1 (exclusive), got {}", train_fraction));
  }
  const auto n_train = static_cast<std::size_t>(std::floor(train_fraction * static_cast<double>(n)));
  if (n_train == 0 || n_train == n) {
    throw Error(fmt::format("a train fraction of {} of {} rows leaves the {} part empty", train_fraction, n,
                            n_train == 0 ? "train" : "validation"));
  }
  return n_train;
}

Split random_split(std::size_t n, double train_fraction, std::uint32_t seed) {
  const std::size_t n_train = train_count(n, train_fraction);
  std::vector<std::size_t> order(n);
  for (std::size_t i = 0; i < n; ++i) order[i] = i;
  Rng rng(seed);
  shuffle(order, rng);
  return {{order.begin(), order.begin() + static_cast<std::ptrdiff_t>(n_train)},
          {order.begin() + static_cast<std::ptrdiff_t>(n_train), order.end()}};
}

// Each class contributes round(fraction * its rows) to train, but at least one row to each part
// when it has two or more; both parts are then shuffled so that classes are interleaved.
Split stratified_split(const std::vector<int>& labels, double train_fraction, std::uint32_t seed) {
  train_count(labels.size(), train_fraction);  // validates the fraction
  std::map<int, std::vector<std::size_t>> rows_of_class;
  for (std::size_t row = 0; row < labels.size(); ++row) rows_of_class[labels[row]].push_back(row);
  Rng rng(seed);
  Split split;
  for (auto& [label, rows] : rows_of_class) {
    shuffle(rows, rng);
    auto n_train = static_cast<std::size_t>(std::llround(train_fraction * static_cast<double>(rows.size())));
    if (rows.size() >= 2) n_train = std::clamp<std::size_t>(n_train, 1, rows.size() - 1);
    if (rows.size() == 1) n_train = 1;
    split.train.insert(split.train.end(), rows.begin(), rows.begin() + static_cast<std::ptrdiff_t>(n_train));
    split.validation.insert(split.validation.end(), rows.begin() + static_cast<std::ptrdiff_t>(n_train), rows.end());
  }
  if (split.validation.empty()) throw Error("stratified split: every class has a single row, so validation is empty");
  shuffle(split.train, rng);
  shuffle(split.validation, rng);
  return split;
}

}  // namespace

std::string_view split_mode_name(SplitMode mode) {
  switch (mode) {
    case SplitMode::notebook: return "notebook";
    case SplitMode::random: return "random";
    case SplitMode::stratified: return "stratified";
  }
  return "?";
}

Split notebook_split(std::size_t n, double train_fraction, std::uint32_t seed) {
  const std::size_t n_train = train_count(n, train_fraction);
  const std::size_t n_test = n - n_train;
  NumpyRandomState rng(seed);
  const std::vector<std::size_t> permutation = rng.permutation(n);
  return {{permutation.begin() + static_cast<std::ptrdiff_t>(n_test), permutation.end()},
          {permutation.begin(), permutation.begin() + static_cast<std::ptrdiff_t>(n_test)}};
}

Split split_rows(const std::vector<int>& labels, const SplitOptions& options) {
  switch (options.mode) {
    case SplitMode::notebook: return notebook_split(labels.size(), options.train_fraction, options.seed);
    case SplitMode::random: return random_split(labels.size(), options.train_fraction, options.seed);
    case SplitMode::stratified: return stratified_split(labels, options.train_fraction, options.seed);
  }
  throw Error("unknown split mode");
}

}  // namespace textclass::data
