#include "textclass/backend/cuda/side_stream.cuh"

#include "textclass/backend/cuda/cuda_check.cuh"

namespace textclass::backend::cuda {

SideStream::SideStream(cudaStream_t main, int priority, OpProfile& profile, const char* wait_label)
    : main_(main), profile_(profile), wait_label_(wait_label), ends_(kEvents, nullptr) {
  check(cudaStreamCreateWithPriority(&stream_, cudaStreamNonBlocking, priority), "creating a stream");
  check(cudaEventCreateWithFlags(&fork_, cudaEventDisableTiming), "creating an event");
  for (cudaEvent_t& event : ends_) check(cudaEventCreateWithFlags(&event, cudaEventDisableTiming), "creating an event");
}

SideStream::~SideStream() {
  cudaStreamSynchronize(stream_);
  for (cudaEvent_t event : ends_) cudaEventDestroy(event);
  cudaEventDestroy(fork_);
  cudaStreamDestroy(stream_);
}

void SideStream::fork() {
  check(cudaEventRecord(fork_, main_), "forking a stream");
  check(cudaStreamWaitEvent(stream_, fork_), "forking a stream");
}

void SideStream::end_piece(const std::vector<SideWork::Bytes>& ranges, const std::vector<int>& buffers) {
  // (the event first: a piece kept without it would be waited for on an older piece's)
  check(cudaEventRecord(ends_[work_.next() % kEvents], stream_), "recording the end of a stream's work");
  work_.add(ranges, buffers);
}

void SideStream::wait_for(uint64_t piece, bool checked) {
  if (piece == 0) return;
  const cudaEvent_t end = ends_[piece % kEvents];
  work_.waited_for(piece);
  if (!checked) {  // (and not timed: the profile checks its events)
    cudaStreamWaitEvent(main_, end);
    cudaGetLastError();
    return;
  }
  const auto timing = profile_.time(wait_label_);
  check(cudaStreamWaitEvent(main_, end), "joining a stream");
}

}  // namespace textclass::backend::cuda
