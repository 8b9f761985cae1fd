#pragma once
// Host-to-device copies through a ring of pinned host memory. A copy from pageable memory may make
// the host wait for the GPU; staging the bytes in pinned memory first lets upload() return at once,
// so the host queues a whole training step (its inputs included) while the GPU is still busy with
// the last one. A region of the ring is reused only after the copy that read it has finished.
#include <cuda_runtime.h>

#include <cstddef>
#include <deque>

#include "textclass/backend/cuda/event_pool.cuh"

namespace textclass::backend::cuda {

class UploadStaging {
 public:
  UploadStaging(cudaStream_t stream, std::size_t capacity_bytes);
  ~UploadStaging();
  UploadStaging(const UploadStaging&) = delete;
  UploadStaging& operator=(const UploadStaging&) = delete;

  // Queues the copy of bytes from host_src (which the caller may reuse on return) to device_dst.
  void upload(void* device_dst, const void* host_src, std::size_t bytes);

 private:
  struct InFlight {
    std::size_t begin, end;  // the ring bytes a queued copy reads
    cudaEvent_t done;        // recorded after that copy
  };
  // Waits for (and forgets) the queued copies that read ring bytes in [begin, end), and any that
  // have finished anyway.
  void release(std::size_t begin, std::size_t end);

  cudaStream_t stream_;
  char* ring_ = nullptr;
  std::size_t capacity_;
  std::size_t head_ = 0;
  std::deque<InFlight> in_flight_;  // oldest first: in ring order, wrapping once
  EventPool events_{cudaEventDisableTiming};
};

}  // namespace textclass::backend::cuda
