#pragma once
// Batches of token-id rows for training and inference, with dynamic padding: each batch is padded
// to its own longest row, not to a fixed length (HF's DataCollatorWithPadding), or to the next
// multiple of pad_to_multiple_of above it (its option of that name; a GPU runs such lengths faster).
// Training order: each epoch a seeded permutation of the rows, a pure function of (seed, epoch),
// so a run resumed at (epoch, position) sees exactly the batches an uninterrupted run would.
// With group_by_length, rows of similar length share batches (HF's LengthGroupedSampler): the
// permutation is cut into mega-batches of 50 batches, each sorted by length, longest first.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace textclass::data {

// Rows already tokenized ([CLS] ... [SEP], or [CLS] a [SEP] b [SEP] for a sentence pair) and their
// labels: class indices (single-label) or float targets (multi-label indicators, regression values;
// Dataset's label_targets), empty when unlabelled.
struct TokenRows {
  std::vector<std::vector<std::int32_t>> ids;
  // Each row's token type ids (the tokenizer's: 0 for a pair's first text, 1 for its second, in
  // BERT's template), as long as its ids; empty when every row is a single text, and a row's own
  // empty list means all zeros (a single text among pairs).
  std::vector<std::vector<std::int32_t>> token_type_ids;
  std::vector<int> labels;
  std::vector<float> targets;    // [rows, target_width]
  std::size_t target_width = 0;

  std::size_t size() const { return ids.size(); }
  bool labelled() const { return !labels.empty() || !targets.empty(); }
};

// One padded batch, row-major, ready for the model.
struct Batch {
  int B = 0;  // rows
  int T = 0;  // tokens per row: the longest row's length, rounded up to the multiple asked for
  std::vector<std::int32_t> input_ids;       // [B, T], padded with the pad id
  std::vector<std::int32_t> token_type_ids;  // [B, T]: the rows' token types, 0 for single texts and padding
  std::vector<std::int32_t> attention_mask;  // [B, T]: 1 token, 0 padding
  std::vector<std::int32_t> labels;          // [B], empty when the rows have none
  std::vector<float> targets;                // [B, the rows' target_width], empty when they have none
  std::vector<std::size_t> rows;             // [B] which rows of the TokenRows these are
};

// The given rows of `data`, padded to the longest of them, rounded up to a multiple of
// pad_to_multiple_of (1: not rounded).
Batch make_batch(const TokenRows& data, std::span<const std::size_t> rows, std::int32_t pad_id,
                 int pad_to_multiple_of = 1);

struct BatcherOptions {
  std::size_t batch_size = 16;
  bool shuffle = true;           // false: rows in their order every epoch
  bool group_by_length = false;  // only with shuffle
  std::uint64_t seed = 1122;
  std::int32_t pad_id = 0;
  int pad_to_multiple_of = 1;
};

class Batcher {
 public:
  // `data` must outlive the Batcher and hold at least one row.
  Batcher(const TokenRows& data, BatcherOptions options);

  // ceil(rows / batch_size): the last batch of an epoch may be smaller (no rows are dropped).
  std::size_t batches_per_epoch() const;
  long epoch() const { return epoch_; }               // from 0
  std::size_t position() const { return position_; }  // batches already taken from this epoch

  // Continues from batch `position` of epoch `epoch`, as if the batches before had been taken.
  void seek(long epoch, std::size_t position);

  // The next batch; after an epoch's last batch the next epoch starts with a new permutation.
  Batch next_batch();

 private:
  void start_epoch(long epoch);

  const TokenRows& data_;
  BatcherOptions options_;
  std::vector<std::size_t> order_;  // this epoch's row order
  long epoch_ = 0;
  std::size_t position_ = 0;
};

}  // namespace textclass::data
