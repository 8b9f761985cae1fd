#include "textclass/backend/cuda/upload_staging.cuh"

#include <cstring>

#include "textclass/backend/cuda/cuda_check.cuh"

namespace textclass::backend::cuda {

UploadStaging::UploadStaging(cudaStream_t stream, std::size_t capacity_bytes)
    : stream_(stream), capacity_(capacity_bytes) {
  check(cudaMallocHost(&ring_, capacity_), "allocating pinned host memory");
}

UploadStaging::~UploadStaging() {
  cudaStreamSynchronize(stream_);
  for (const InFlight& copy : in_flight_) cudaEventDestroy(copy.done);
  cudaFreeHost(ring_);
}

void UploadStaging::release(std::size_t begin, std::size_t end) {
  while (!in_flight_.empty()) {
    const InFlight& oldest = in_flight_.front();
    const bool overlaps = oldest.begin < end && begin < oldest.end;
    if (overlaps) {
      check(cudaEventSynchronize(oldest.done), "waiting for an upload");
    } else if (cudaEventQuery(oldest.done) != cudaSuccess) {
      cudaGetLastError();  // cudaErrorNotReady is an answer, not an error to keep
      // The oldest copy is still running and does not overlap, and the ones after it lie further
      // along the ring, so none of those can overlap either.
      return;
    }
    events_.give_back(oldest.done);
    in_flight_.pop_front();
  }
}

void UploadStaging::upload(void* device_dst, const void* host_src, std::size_t bytes) {
  if (bytes == 0) return;
  if (bytes > capacity_) {  // larger than the ring (weights, say): a plain copy, which may wait
    check(cudaMemcpyAsync(device_dst, host_src, bytes, cudaMemcpyHostToDevice, stream_), "copying to the GPU");
    return;
  }
  if (head_ + bytes > capacity_) head_ = 0;
  const std::size_t begin = head_, end = head_ + bytes;
  release(begin, end);
  std::memcpy(ring_ + begin, host_src, bytes);
  check(cudaMemcpyAsync(device_dst, ring_ + begin, bytes, cudaMemcpyHostToDevice, stream_), "copying to the GPU");
  cudaEvent_t done = events_.take();
  check(cudaEventRecord(done, stream_), "recording an upload");
  in_flight_.push_back({begin, end, done});
  head_ = end;
}

}  // namespace textclass::backend::cuda
