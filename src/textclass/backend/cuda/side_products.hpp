#pragma once
// What the weight-gradient products launched on the side stream and not yet waited for read and
// write (gemm.cuh's deferred joins): before the main stream writes any of that memory, or reads
// what they write, it must wait for the last product that touches it. Plain C++ over addresses
// and buffer numbers, so that a test can check it without a GPU (tests/backend/side_products_test.cpp).
//
// Products are numbered 1, 2, ... in the order they go to the side stream, which runs them in that
// order: waiting for one is waiting for every one before it too. Two kinds of memory: ranges of
// bytes (a product's fp32 input, which the side stream rounds to bf16 itself, and its output, the
// weight gradient), and the Gemm's own buffers of bf16 factors, by number (fewer than kBuffers):
// the ops' rounding slots and the copy of B, which the main stream writes again for later products.
#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace textclass::backend::cuda {

class SideProducts {
 public:
  static constexpr int kBuffers = 32;

  // A product went to the side stream: it reads bytes [read, read + read_bytes) (none when
  // read_bytes is 0) and the buffers numbered in `buffers`, and writes bytes [written, written +
  // written_bytes). Returns its number.
  uint64_t add(const void* read, std::size_t read_bytes, const std::vector<int>& buffers, const void* written,
               std::size_t written_bytes) {
    ++last_;
    add_range(read, read_bytes);
    add_range(written, written_bytes);
    for (int buffer : buffers) readers_.at(static_cast<std::size_t>(buffer)) = last_;
    return last_;
  }

  // The number the next product added will have.
  uint64_t next() const { return last_ + 1; }
  // The last product added and not yet waited for; 0 when none is pending.
  uint64_t last() const { return last_ > waited_ ? last_ : 0; }

  // The last pending product that reads or writes any of bytes [dst, dst + bytes): the main stream
  // must wait for it before writing them. 0: none.
  uint64_t last_touching(const void* dst, std::size_t bytes) const {
    if (bytes == 0) return 0;
    const auto begin = reinterpret_cast<std::uintptr_t>(dst), end = begin + bytes;
    uint64_t number = 0;
    for (const Range& range : ranges_)
      if (begin < range.end && range.begin < end && range.product > number) number = range.product;
    return number;
  }

  // The last pending product that reads buffer `buffer`: the main stream must wait for it before
  // writing (or freeing) the buffer. 0: none.
  uint64_t last_reading(int buffer) const { return readers_.at(static_cast<std::size_t>(buffer)); }

  // The main stream waited for product `number`, so for every product up to it.
  void waited_for(uint64_t number) {
    if (number <= waited_) return;
    waited_ = number;
    std::vector<Range> pending;
    for (const Range& range : ranges_)
      if (range.product > number) pending.push_back(range);
    ranges_.swap(pending);
    for (uint64_t& reader : readers_)
      if (reader <= number) reader = 0;
  }

 private:
  struct Range {
    std::uintptr_t begin, end;
    uint64_t product;
  };
  void add_range(const void* start, std::size_t bytes) {
    if (bytes == 0) return;
    const auto begin = reinterpret_cast<std::uintptr_t>(start);
    ranges_.push_back(Range{begin, begin + bytes, last_});
  }

  std::vector<Range> ranges_;
  std::array<uint64_t, kBuffers> readers_{};  // the last pending product that reads each buffer, or 0
  uint64_t last_ = 0;                         // the last product added
  uint64_t waited_ = 0;                       // the last the main stream waited for
};

}  // namespace textclass::backend::cuda
