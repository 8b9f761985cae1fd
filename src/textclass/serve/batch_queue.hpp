#pragma once
// Dynamic batching: the HTTP threads push tokenized rows; one model thread takes them in arrival
// order, as many as fit in max_batch_tokens real tokens and max_batch_requests rows, as soon as
// it is free. A lone row is taken at once (nothing waits for company); under load the rows that
// arrived while the model ran make the next batch. Each row's answer comes back through a future.
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <future>
#include <mutex>
#include <vector>

namespace textclass::serve {

using Clock = std::chrono::steady_clock;

struct RowResult {
  std::vector<float> logits;
  std::vector<float> probs;  // softmax of the logits, as predict prints them
  Clock::duration queue_time{}, inference_time{};
};

struct QueuedRow {
  std::vector<std::int32_t> ids;
  std::vector<std::int32_t> token_type_ids;  // a sentence pair's; empty for a single text
  std::promise<RowResult> result;
  Clock::time_point queued_at;
};

class BatchQueue {
 public:
  // max_batch_requests 0: no limit on rows.
  BatchQueue(std::size_t max_batch_tokens, std::size_t max_batch_requests);

  // Throws Error once closed. token_type_ids: a sentence pair's, as long as ids; empty for a single text.
  std::future<RowResult> push(std::vector<std::int32_t> ids, std::vector<std::int32_t> token_type_ids = {});

  // The next batch: blocks until a row is queued, then takes rows in order while they fit (the
  // first always does). Empty once the queue is closed and drained.
  std::vector<QueuedRow> next_batch();

  // No more pushes; next_batch still hands out what is queued.
  void close();

  std::size_t size() const;

 private:
  std::size_t max_batch_tokens_, max_batch_requests_;
  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<QueuedRow> rows_;
  bool closed_ = false;
};

}  // namespace textclass::serve
