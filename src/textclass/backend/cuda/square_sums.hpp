#pragma once
// The sums of squares of the weight gradients, taken beside their products. With deferred joins
// (gemm.cuh) the second stream, right after a linear layer's weight-gradient product, sums the
// squares of what the product wrote into a slot of partial sums, while that gradient is still in
// the GPU's L2 cache. The global gradient norm (CudaBackend::sum_squares) then reads only the floats
// that no slot covers (for bert-base-cased, 23.4M of the 108.3M gradients: the embeddings, biases
// and LayerNorms) and adds the slots' partials, instead of reading all 433 MB again.
//
// Off by default (CudaSwitches::side_square_sums): on an H200 the norm's op still took 124 us a
// step with it, and training ran 1.7% slower than without.
//
// A slot holds while nothing writes its floats: every write the ops declare (Gemm::written) frees
// the slots it overlaps, and only a product that writes the floats again sums them again. Plain C++
// over addresses (the device's partials are Gemm's), so that a test can check it without a GPU
// (tests/backend/square_sums_test.cpp).
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace textclass::backend::cuda {

class SquareSumSlots {
 public:
  static constexpr int kSlots = 64;   // bert-base-cased has 50 weight gradients of linear layers
  static constexpr int kBlocks = 64;  // partial sums a slot (a block's each, on the device)

  // Floats [start, start + count).
  struct Floats {
    const float* start;
    std::size_t count;
  };

  // The sum of floats [x, x + n) goes into a slot: which one, or -1 when every slot is taken or n is
  // 0 (then nothing is summed). Any slot it overlaps is freed first.
  int claim(const float* x, std::size_t n) {
    written(x, n * sizeof(float));
    if (n == 0) return -1;
    for (int slot = 0; slot < kSlots; slot++) {
      if (held_[slot].count != 0) continue;
      held_[slot] = Floats{x, n};
      const auto begin = reinterpret_cast<std::uintptr_t>(x), end = begin + n * sizeof(float);
      bounds_begin_ = held_count_ == 0 ? begin : std::min(bounds_begin_, begin);
      bounds_end_ = held_count_ == 0 ? end : std::max(bounds_end_, end);
      held_count_++;
      return slot;
    }
    return -1;
  }

  // Bytes [p, p + bytes) are about to be written: the slots they overlap no longer hold.
  // (Every op's every write comes here: most miss the bounds around all the held slots at once.)
  void written(const void* p, std::size_t bytes) {
    const auto begin = reinterpret_cast<std::uintptr_t>(p), end = begin + bytes;
    if (bytes == 0 || held_count_ == 0 || end <= bounds_begin_ || bounds_end_ <= begin) return;
    for (Floats& slot : held_) {
      if (slot.count == 0) continue;
      const auto slot_begin = reinterpret_cast<std::uintptr_t>(slot.start);
      if (begin < slot_begin + slot.count * sizeof(float) && slot_begin < end) {
        slot = Floats{nullptr, 0};
        held_count_--;
      }
    }
  }

  // Floats [x, x + n) as the slots that lie wholly inside them, in address order, and the ranges
  // between those (gaps: before the first slot, between two, after the last; none empty). Slots
  // never overlap (claim frees what a new one overlaps), so the slots' floats and the gaps' are
  // each of [x, x + n) once.
  struct Split {
    std::vector<int> slots;
    std::vector<Floats> gaps;
  };
  Split split(const float* x, std::size_t n) const {
    Split split;
    const auto begin = reinterpret_cast<std::uintptr_t>(x), end = begin + n * sizeof(float);
    for (int slot = 0; slot < kSlots; slot++) {
      const Floats& held = held_[slot];
      const auto held_begin = reinterpret_cast<std::uintptr_t>(held.start);
      if (held.count != 0 && held_begin >= begin && held_begin + held.count * sizeof(float) <= end)
        split.slots.push_back(slot);
    }
    // (inside [x, x + n) now: their pointers compare as addresses)
    std::sort(split.slots.begin(), split.slots.end(), [&](int a, int b) { return held_[a].start < held_[b].start; });
    const float* from = x;
    for (int slot : split.slots) {
      const Floats& held = held_[slot];
      if (held.start > from) split.gaps.push_back(Floats{from, static_cast<std::size_t>(held.start - from)});
      from = held.start + held.count;
    }
    if (from < x + n) split.gaps.push_back(Floats{from, static_cast<std::size_t>(x + n - from)});
    return split;
  }

 private:
  std::array<Floats, kSlots> held_{};  // count 0: free
  int held_count_ = 0;
  std::uintptr_t bounds_begin_ = 0, bounds_end_ = 0;  // around every held slot (and maybe freed ones)
};

}  // namespace textclass::backend::cuda
