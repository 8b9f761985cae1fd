#pragma once
// Which fp32 tensors have a bf16 rounding in device memory now, and in which slot: with fused
// rounding (bf16 precision), an op that writes a product's input writes its rounding too, into a
// slot this table hands out, and the product (gemm.cuh) reads the rounding from there instead of
// launching a rounding pass of its own. A rounding stays current until anything writes to its
// tensor (written()) or its slot is taken for another tensor (claim(): the least recently used
// slot goes). Plain C++ over addresses, so that a test can check it without a GPU.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace textclass::backend::cuda {

class RoundedCopies {
 public:
  explicit RoundedCopies(int slots) : slots_(static_cast<std::size_t>(slots)) {}

  int slots() const { return static_cast<int>(slots_.size()); }

  // The slot that holds the rounding of floats [source, source + n) (exactly those), or -1. A hit
  // counts as a use of the slot.
  int find(const float* source, std::size_t n) {
    for (std::size_t i = 0; i < slots_.size(); i++) {
      Slot& slot = slots_[i];
      if (slot.source != nullptr && slot.source == source && slot.n == n) {
        slot.last_use = ++uses_;
        return static_cast<int>(i);
      }
    }
    return -1;
  }

  // The slot where the rounding of [source, source + n) is about to be written: the least recently
  // used one, whatever it held before.
  int claim(const float* source, std::size_t n) {
    std::size_t oldest = 0;
    for (std::size_t i = 1; i < slots_.size(); i++)
      if (slots_[i].last_use < slots_[oldest].last_use) oldest = i;
    slots_[oldest] = Slot{source, n, ++uses_};
    return static_cast<int>(oldest);
  }

  // Bytes [dst, dst + bytes) are about to change: the roundings of tensors that overlap them are
  // no longer current.
  void written(const void* dst, std::size_t bytes) {
    if (bytes == 0) return;
    const auto begin = reinterpret_cast<std::uintptr_t>(dst), end = begin + bytes;
    for (Slot& slot : slots_) {
      if (slot.source == nullptr) continue;
      const auto first = reinterpret_cast<std::uintptr_t>(slot.source), last = first + slot.n * sizeof(float);
      if (begin < last && first < end) slot.source = nullptr;
    }
  }

 private:
  struct Slot {
    const float* source = nullptr;  // null: holds nothing current
    std::size_t n = 0;
    uint64_t last_use = 0;
  };
  std::vector<Slot> slots_;
  uint64_t uses_ = 0;
};

}  // namespace textclass::backend::cuda
