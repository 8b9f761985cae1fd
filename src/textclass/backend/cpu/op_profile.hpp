#pragma once
// Time per op, for finding what to make faster (the CPU's counterpart of cuda/op_profile.cuh):
// when enabled (--profile), every op of the CPU backend is timed from its call to its return, and
// the backend prints a table (op, calls, total ms, us per call, share) to stderr when it is
// destroyed. Disabled, it costs one branch per op.
#include <chrono>
#include <map>
#include <string>

namespace textclass::backend::cpu {

class OpProfile {
 public:
  explicit OpProfile(bool enabled) : enabled_(enabled) {}
  ~OpProfile();
  OpProfile(const OpProfile&) = delete;
  OpProfile& operator=(const OpProfile&) = delete;

  // Adds the time from its construction to its destruction to `op`'s total.
  class Scope {
   public:
    Scope(OpProfile* profile, const char* op)
        : profile_(profile), op_(op), start_(profile != nullptr ? Clock::now() : Clock::time_point()) {}
    ~Scope();
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    using Clock = std::chrono::steady_clock;
    OpProfile* profile_;  // null when profiling is off
    const char* op_;
    Clock::time_point start_;
  };
  Scope time(const char* op) { return Scope(enabled_ ? this : nullptr, op); }

 private:
  struct Total {
    long calls = 0;
    double milliseconds = 0.0;
  };
  bool enabled_;
  std::map<std::string, Total> totals_;
};

}  // namespace textclass::backend::cpu
