#pragma once
// The bookkeeping behind Backend::memory_use(): what each allocation holds, now and at the most.
#include <algorithm>
#include <cstddef>
#include <unordered_map>

#include "textclass/backend/backend.hpp"

namespace textclass::backend {

class MemoryTracker {
 public:
  void allocated(void* ptr, std::size_t bytes) {
    sizes_[ptr] = bytes;
    allocations_ += bytes;
    remember_peak();
  }
  // The bytes of the allocation at ptr; 0 for a pointer alloc() did not return.
  std::size_t bytes_at(void* ptr) const {
    auto it = sizes_.find(ptr);
    return it == sizes_.end() ? 0 : it->second;
  }
  void freed(void* ptr) {
    auto it = sizes_.find(ptr);
    if (it == sizes_.end()) return;
    allocations_ -= it->second;
    sizes_.erase(it);
  }
  // What the backend holds for itself beside the allocations (scratch, a library's workspace),
  // counted in the current use and the peak from now on.
  void backend_holds(std::size_t bytes) {
    own_ = bytes;
    remember_peak();
  }
  Backend::MemoryUse use() const { return {allocations_ + own_, peak_}; }

 private:
  void remember_peak() { peak_ = std::max(peak_, allocations_ + own_); }

  std::unordered_map<void*, std::size_t> sizes_;
  std::size_t allocations_ = 0;
  std::size_t own_ = 0;
  std::size_t peak_ = 0;
};

}  // namespace textclass::backend
