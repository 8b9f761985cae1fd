#include "textclass/serve/batch_queue.hpp"

#include "textclass/error.hpp"

namespace textclass::serve {

BatchQueue::BatchQueue(std::size_t max_batch_tokens, std::size_t max_batch_requests)
    : max_batch_tokens_(max_batch_tokens), max_batch_requests_(max_batch_requests) {}

std::future<RowResult> BatchQueue::push(std::vector<std::int32_t> ids, std::vector<std::int32_t> token_type_ids) {
  QueuedRow row{std::move(ids), std::move(token_type_ids), {}, Clock::now()};
  std::future<RowResult> result = row.result.get_future();
  {
    std::lock_guard lock(mutex_);
    if (closed_) throw Error("the server is shutting down");
    rows_.push_back(std::move(row));
  }
  ready_.notify_one();
  return result;
}

std::vector<QueuedRow> BatchQueue::next_batch() {
  std::unique_lock lock(mutex_);
  ready_.wait(lock, [&] { return !rows_.empty() || closed_; });
  std::vector<QueuedRow> batch;
  std::size_t tokens = 0;
  while (!rows_.empty()) {
    const std::size_t row_tokens = rows_.front().ids.size();
    const bool fits = tokens + row_tokens <= max_batch_tokens_ &&
                      (max_batch_requests_ == 0 || batch.size() < max_batch_requests_);
    if (!batch.empty() && !fits) break;
    tokens += row_tokens;
    batch.push_back(std::move(rows_.front()));
    rows_.pop_front();
  }
  return batch;
}

void BatchQueue::close() {
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
  }
  ready_.notify_all();
}

std::size_t BatchQueue::size() const {
  std::lock_guard lock(mutex_);
  return rows_.size();
}

}  // namespace textclass::serve
