#include "textclass/backend/cpu/op_profile.hpp"

#include <algorithm>
#include <cstdio>
#include <utility>
#include <vector>

namespace textclass::backend::cpu {

OpProfile::Scope::~Scope() {
  if (profile_ == nullptr) return;
  const std::chrono::duration<double, std::milli> elapsed = Clock::now() - start_;
  Total& total = profile_->totals_[op_];
  total.calls++;
  total.milliseconds += elapsed.count();
}

OpProfile::~OpProfile() {
  if (!enabled_ || totals_.empty()) return;
  std::vector<std::pair<std::string, Total>> rows(totals_.begin(), totals_.end());
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.second.milliseconds > b.second.milliseconds; });
  double all = 0.0;
  for (const auto& row : rows) all += row.second.milliseconds;
  std::fprintf(stderr, "\nCPU ops (--profile): time from each op's call to its return\n");
  std::fprintf(stderr, "%-28s %9s %12s %12s %7s\n", "op", "calls", "ms", "us/call", "share");
  for (const auto& [op, total] : rows)
    std::fprintf(stderr, "%-28s %9ld %12.2f %12.1f %6.1f%%\n", op.c_str(), total.calls, total.milliseconds,
                 1000.0 * total.milliseconds / static_cast<double>(std::max(total.calls, 1L)),
                 100.0 * total.milliseconds / all);
  std::fprintf(stderr, "%-28s %9s %12.2f\n", "all", "", all);
}

}  // namespace textclass::backend::cpu
