#pragma once
// CUDA events to reuse: the op profile records two per op and the upload ring one per upload, and
// creating an event is a driver call.
#include <cuda_runtime.h>

#include <vector>

#include "textclass/backend/cuda/cuda_check.cuh"

namespace textclass::backend::cuda {

class EventPool {
 public:
  // flags: cudaEventDefault (timing), or cudaEventDisableTiming
  explicit EventPool(unsigned flags) : flags_(flags) {}
  ~EventPool() {
    for (cudaEvent_t event : spare_) cudaEventDestroy(event);
  }
  EventPool(const EventPool&) = delete;
  EventPool& operator=(const EventPool&) = delete;

  cudaEvent_t take() {
    if (spare_.empty()) {
      cudaEvent_t event = nullptr;
      check(cudaEventCreateWithFlags(&event, flags_), "creating an event");
      return event;
    }
    cudaEvent_t event = spare_.back();
    spare_.pop_back();
    return event;
  }
  // An event take() gave, whose last recording has completed (or that was never recorded).
  void give_back(cudaEvent_t event) { spare_.push_back(event); }

 private:
  unsigned flags_;
  std::vector<cudaEvent_t> spare_;
};

}  // namespace textclass::backend::cuda
