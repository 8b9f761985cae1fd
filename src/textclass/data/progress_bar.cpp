#include "textclass/data/progress_bar.hpp"

#include <cstdio>
#include <fmt/core.h>
#include <string>
#include <unistd.h>

namespace textclass::data {

ProgressBar::ProgressBar(std::string label) : label_(std::move(label)), enabled_(isatty(STDERR_FILENO) == 1) {}

void ProgressBar::update(std::uint64_t done, std::uint64_t total) {
  if (!enabled_) return;
  constexpr double kMiB = 1024.0 * 1024.0;
  constexpr int kWidth = 30;
  // Redraw only when the shown number changes: libcurl calls this many times a second.
  const std::uint64_t shown = total > 0 ? done * 100 / total : done / (1 << 20);
  if (drawn_ && shown == last_drawn_) return;
  last_drawn_ = shown;
  drawn_ = true;
  if (total > 0) {
    const int filled = static_cast<int>(shown * kWidth / 100);
    fmt::print(stderr, "\r{} [{}{}] {:3}% {:.1f}/{:.1f} MiB", label_, std::string(filled, '#'),
               std::string(kWidth - filled, ' '), shown, done / kMiB, total / kMiB);
  } else {
    fmt::print(stderr, "\r{} {:.1f} MiB", label_, done / kMiB);
  }
  std::fflush(stderr);
}

void ProgressBar::finish() {
  if (drawn_) fmt::print(stderr, "\n");
  drawn_ = false;
}

}  // namespace textclass::data
