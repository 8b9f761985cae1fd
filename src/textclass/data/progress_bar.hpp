#pragma once
// A one-line download progress bar on stderr, drawn only when stderr is a terminal so that logs
// and pipes get no carriage-return noise.
#include <cstdint>
#include <string>

namespace textclass::data {

class ProgressBar {
 public:
  explicit ProgressBar(std::string label);

  bool enabled() const { return enabled_; }
  void update(std::uint64_t done, std::uint64_t total);  // total 0: size not known (yet)
  void finish();                                         // ends the line if one was drawn

 private:
  std::string label_;
  bool enabled_;
  bool drawn_ = false;
  std::uint64_t last_drawn_ = 0;  // percent when total is known, else MiB
};

}  // namespace textclass::data
