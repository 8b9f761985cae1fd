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
    use_.current += bytes;
    use_.peak = std::max(use_.peak, use_.current);
  }
  void freed(void* ptr) {
    auto it = sizes_.find(ptr);
    if (it == sizes_.end()) return;
    use_.current -= it->second;
    sizes_.erase(it);
  }
  // Counts memory held outside the allocations (a backend's own scratch) toward the peak.
  void note_extra(std::size_t bytes) { use_.peak = std::max(use_.peak, use_.current + bytes); }
  Backend::MemoryUse use(std::size_t extra = 0) const {
    return {use_.current + extra, std::max(use_.peak, use_.current + extra)};
  }

 private:
  std::unordered_map<void*, std::size_t> sizes_;
  Backend::MemoryUse use_{};
};

}  // namespace textclass::backend
