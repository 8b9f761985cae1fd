#include "textclass/backend/cuda/op_profile.cuh"

#include <algorithm>
#include <cstdio>

#include "textclass/backend/cuda/cuda_check.cuh"

namespace textclass::backend::cuda {

OpProfile::OpProfile(cudaStream_t stream, bool enabled) : stream_(stream), enabled_(enabled) {}

OpProfile::~OpProfile() {
  if (enabled_) {
    cudaStreamSynchronize(stream_);
    collect();
    print();
  }
  for (const Pending& p : pending_) {
    cudaEventDestroy(p.start);
    cudaEventDestroy(p.stop);
  }
}

OpProfile::Scope::Scope(OpProfile* profile, const char* op) : profile_(profile), op_(op) {
  if (profile_ == nullptr) return;
  start_ = profile_->events_.take();
  check(cudaEventRecord(start_, profile_->stream_), "recording a profiling event");
  host_start_ = std::chrono::steady_clock::now();
}

OpProfile::Scope::~Scope() {
  if (profile_ == nullptr) return;
  const std::chrono::duration<double, std::milli> host = std::chrono::steady_clock::now() - host_start_;
  profile_->totals_[op_].host_milliseconds += host.count();
  cudaEvent_t stop = profile_->events_.take();
  cudaEventRecord(stop, profile_->stream_);
  profile_->pending_.push_back({op_, start_, stop});
}

void OpProfile::collect() {
  std::vector<Pending> unfinished;
  for (const Pending& p : pending_) {
    if (cudaEventQuery(p.stop) != cudaSuccess) {
      cudaGetLastError();  // not ready yet: an answer, not an error
      unfinished.push_back(p);
      continue;
    }
    float milliseconds = 0.0f;
    cudaEventElapsedTime(&milliseconds, p.start, p.stop);
    Total& total = totals_[p.op];
    total.calls++;
    total.milliseconds += milliseconds;
    events_.give_back(p.start);
    events_.give_back(p.stop);
  }
  pending_ = std::move(unfinished);
}

void OpProfile::print() const {
  std::vector<std::pair<std::string, Total>> rows(totals_.begin(), totals_.end());
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.second.milliseconds > b.second.milliseconds; });
  double all = 0.0;
  for (const auto& row : rows) all += row.second.milliseconds;
  std::fprintf(stderr,
               "\nCUDA ops (--profile): GPU time between events around each op, host time in its call\n");
  std::fprintf(stderr, "%-24s %9s %12s %12s %12s %7s\n", "op", "calls", "GPU ms", "GPU us/call", "host us/call",
               "share");
  double host_all = 0.0;
  for (const auto& [op, total] : rows) {
    const double calls = static_cast<double>(std::max(total.calls, 1L));
    std::fprintf(stderr, "%-24s %9ld %12.2f %12.1f %12.1f %6.1f%%\n", op.c_str(), total.calls, total.milliseconds,
                 1000.0 * total.milliseconds / calls, 1000.0 * total.host_milliseconds / calls,
                 100.0 * total.milliseconds / all);
    host_all += total.host_milliseconds;
  }
  std::fprintf(stderr, "%-24s %9s %12.2f %12s %12.2f (host ms)\n", "all", "", all, "", host_all);
}

}  // namespace textclass::backend::cuda
