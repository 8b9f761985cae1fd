#include "textclass/data/batcher.hpp"

#include <algorithm>
#include <numeric>
#include <stdexcept>

#include "textclass/data/rng.hpp"

namespace textclass::data {

Batch make_batch(const TokenRows& data, std::span<const std::size_t> rows, std::int32_t pad_id,
                 int pad_to_multiple_of) {
  Batch batch;
  batch.B = static_cast<int>(rows.size());
  for (std::size_t row : rows) batch.T = std::max(batch.T, static_cast<int>(data.ids[row].size()));
  const int multiple = std::max(pad_to_multiple_of, 1);
  batch.T = (batch.T + multiple - 1) / multiple * multiple;
  const std::size_t T = static_cast<std::size_t>(batch.T);
  batch.input_ids.assign(rows.size() * T, pad_id);
  batch.token_type_ids.assign(rows.size() * T, 0);
  batch.attention_mask.assign(rows.size() * T, 0);
  batch.rows.assign(rows.begin(), rows.end());
  for (std::size_t b = 0; b < rows.size(); ++b) {
    const std::vector<std::int32_t>& ids = data.ids[rows[b]];
    std::copy(ids.begin(), ids.end(), batch.input_ids.begin() + b * T);
    std::fill_n(batch.attention_mask.begin() + b * T, ids.size(), 1);
    if (!data.token_type_ids.empty()) {
      const std::vector<std::int32_t>& types = data.token_type_ids[rows[b]];
      if (types.size() > ids.size()) throw std::invalid_argument("make_batch: a row has more token types than ids");
      std::copy(types.begin(), types.end(), batch.token_type_ids.begin() + b * T);
    }
    if (!data.labels.empty()) batch.labels.push_back(data.labels[rows[b]]);
    if (!data.targets.empty()) {
      const auto first = data.targets.begin() + static_cast<std::ptrdiff_t>(rows[b] * data.target_width);
      batch.targets.insert(batch.targets.end(), first, first + static_cast<std::ptrdiff_t>(data.target_width));
    }
  }
  return batch;
}

Batcher::Batcher(const TokenRows& data, BatcherOptions options) : data_(data), options_(options) {
  if (data.size() == 0) throw std::invalid_argument("Batcher: no rows");
  if (options.batch_size == 0) throw std::invalid_argument("Batcher: batch size 0");
  start_epoch(0);
}

std::size_t Batcher::batches_per_epoch() const {
  return (data_.size() + options_.batch_size - 1) / options_.batch_size;
}

void Batcher::seek(long epoch, std::size_t position) {
  if (position >= batches_per_epoch()) throw std::invalid_argument("Batcher::seek: position past the epoch");
  if (epoch != epoch_) start_epoch(epoch);
  position_ = position;
}

Batch Batcher::next_batch() {
  if (position_ == batches_per_epoch()) start_epoch(epoch_ + 1);
  const std::size_t begin = position_ * options_.batch_size;
  const std::size_t end = std::min(begin + options_.batch_size, order_.size());
  ++position_;
  return make_batch(data_, std::span(order_).subspan(begin, end - begin), options_.pad_id,
                    options_.pad_to_multiple_of);
}

void Batcher::start_epoch(long epoch) {
  epoch_ = epoch;
  position_ = 0;
  order_.resize(data_.size());
  std::iota(order_.begin(), order_.end(), std::size_t{0});
  if (!options_.shuffle) return;
  // SplitMix64 streams from consecutive seeds do not overlap, so seed + epoch gives each epoch
  // its own permutation.
  Rng rng(options_.seed + static_cast<std::uint64_t>(epoch));
  shuffle(order_, rng);
  if (!options_.group_by_length) return;
  const std::size_t mega = 50 * options_.batch_size;  // HF's mega-batch multiplier
  for (std::size_t begin = 0; begin < order_.size(); begin += mega) {
    const auto first = order_.begin() + static_cast<std::ptrdiff_t>(begin);
    const auto last = order_.begin() + static_cast<std::ptrdiff_t>(std::min(begin + mega, order_.size()));
    std::stable_sort(first, last, [&](std::size_t a, std::size_t b) { return data_.ids[a].size() > data_.ids[b].size(); });
  }
}

}  // namespace textclass::data
