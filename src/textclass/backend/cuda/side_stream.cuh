#pragma once
// A second stream whose work the main stream waits for only where it must: the weight-gradient
// products of gemm.cuh's deferred joins. SideWork keeps what each piece reads and writes; each piece ends with an
// event of its own, from a ring of them (where a piece's event has been recorded again for a later
// piece, a wait for it is a wait for the later one: longer, never too short).
#include <cuda_runtime.h>

#include <cstddef>
#include <cstdint>
#include <vector>

#include "textclass/backend/cuda/op_profile.cuh"
#include "textclass/backend/cuda/side_work.hpp"

namespace textclass::backend::cuda {

class SideStream {
 public:
  // A stream of CUDA priority `priority` beside `main`; the main stream's waits for it are timed as
  // `wait_label` in `profile`, which must outlive this.
  SideStream(cudaStream_t main, int priority, OpProfile& profile, const char* wait_label);
  ~SideStream();  // after the stream's work has finished
  SideStream(const SideStream&) = delete;
  SideStream& operator=(const SideStream&) = delete;

  cudaStream_t stream() const { return stream_; }
  // What is queued on this stream next starts after everything queued on the main stream so far.
  void fork();
  // What was queued on this stream since the last piece's end is a piece that reads or writes
  // `ranges` and reads our owner's `buffers` (SideWork's numbers).
  void end_piece(const std::vector<SideWork::Bytes>& ranges, const std::vector<int>& buffers = {});

  // The main stream is about to write bytes [p, p + bytes), or to read them where a piece writes
  // them: it waits for the last piece that touches them. Unchecked (checked false): for frees, which
  // run in destructors while an error may be on its way up; a failure is dropped with CUDA's last
  // error, and the wait is not timed.
  void before_touching(const void* p, std::size_t bytes, bool checked = true) {
    wait_for(work_.last_touching(p, bytes), checked);
  }
  // The same before the main stream writes (or frees) our owner's buffer `buffer`.
  void before_writing(int buffer) { wait_for(work_.last_reading(buffer), true); }
  // The main stream waits for every piece.
  void join(bool checked = true) { wait_for(work_.last(), checked); }

 private:
  void wait_for(uint64_t piece, bool checked);

  static constexpr int kEvents = 64;
  cudaStream_t main_;
  cudaStream_t stream_ = nullptr;
  OpProfile& profile_;
  const char* wait_label_;
  cudaEvent_t fork_ = nullptr;
  std::vector<cudaEvent_t> ends_;  // piece p's end: event p % kEvents
  SideWork work_;                  // the pieces not yet waited for
};

}  // namespace textclass::backend::cuda
