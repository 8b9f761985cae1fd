#pragma once
// What the work launched on a side stream and not yet waited for reads and writes: before the main
// stream writes any of that memory, or reads what the work writes, it must wait for the last piece
// of work that touches it: gemm.cuh's deferred joins keep the weight-gradient products this way.
// Plain C++ over addresses and buffer numbers, so that a test can check it without a GPU
// (tests/backend/side_work_test.cpp).
//
// Pieces are numbered 1, 2, ... in the order they go to the side stream, which runs them in that
// order: waiting for one is waiting for every one before it too. Two kinds of memory: ranges of
// bytes (a product's fp32 input, which the side stream rounds to bf16 itself, and its output), and
// the owner's own buffers, by number (fewer than kBuffers: the ops' rounding slots and the copy of
// B, which the main stream writes again for later products).
#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace textclass::backend::cuda {

class SideWork {
 public:
  static constexpr int kBuffers = 32;

  // Bytes [start, start + count); none when count is 0.
  struct Bytes {
    const void* start;
    std::size_t count;
  };

  // A piece of work went to the side stream: it reads or writes these ranges and reads the buffers
  // numbered in `buffers`. Returns its number.
  uint64_t add(const std::vector<Bytes>& ranges, const std::vector<int>& buffers = {}) {
    ++last_;
    for (const Bytes& bytes : ranges) {
      if (bytes.count == 0) continue;
      const auto begin = reinterpret_cast<std::uintptr_t>(bytes.start);
      ranges_.push_back(Range{begin, begin + bytes.count, last_});
    }
    for (int buffer : buffers) readers_.at(static_cast<std::size_t>(buffer)) = last_;
    return last_;
  }

  // The number the next piece added will have.
  uint64_t next() const { return last_ + 1; }
  // The last piece added and not yet waited for; 0 when none is pending.
  uint64_t last() const { return last_ > waited_ ? last_ : 0; }

  // The last pending piece that reads or writes any of bytes [dst, dst + bytes): the main stream
  // must wait for it before writing them (or reading them, where the piece writes them). 0: none.
  uint64_t last_touching(const void* dst, std::size_t bytes) const {
    if (bytes == 0) return 0;
    const auto begin = reinterpret_cast<std::uintptr_t>(dst), end = begin + bytes;
    uint64_t number = 0;
    for (const Range& range : ranges_)
      if (begin < range.end && range.begin < end && range.piece > number) number = range.piece;
    return number;
  }

  // The last pending piece that reads buffer `buffer`: the main stream must wait for it before
  // writing (or freeing) the buffer. 0: none.
  uint64_t last_reading(int buffer) const { return readers_.at(static_cast<std::size_t>(buffer)); }

  // The main stream waited for piece `number`, so for every piece up to it.
  void waited_for(uint64_t number) {
    if (number <= waited_) return;
    waited_ = number;
    std::vector<Range> pending;
    for (const Range& range : ranges_)
      if (range.piece > number) pending.push_back(range);
    ranges_.swap(pending);
    for (uint64_t& reader : readers_)
      if (reader <= number) reader = 0;
  }

 private:
  struct Range {
    std::uintptr_t begin, end;
    uint64_t piece;
  };

  std::vector<Range> ranges_;
  std::array<uint64_t, kBuffers> readers_{};  // the last pending piece that reads each buffer, or 0
  uint64_t last_ = 0;                         // the last piece added
  uint64_t waited_ = 0;                       // the last the main stream waited for
};

}  // namespace textclass::backend::cuda
