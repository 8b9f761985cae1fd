#include "textclass/train/training_progress.hpp"

#include <cstdio>
#include <string>
#include <unistd.h>

#include <fmt/core.h>

namespace textclass::train {

namespace {

std::string duration(double seconds) {
  const long s = static_cast<long>(seconds + 0.5);
  if (s >= 3600) return fmt::format("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60);
  return fmt::format("{}:{:02}", s / 60, s % 60);
}

// A row's values in log order, "key value" pairs, numbers rounded for reading.
std::string row_text(const nlohmann::ordered_json& row) {
  std::string text;
  for (const auto& [key, value] : row.items()) {
    if (!text.empty()) text += ' ';
    text += key + ' ';
    text += value.is_number_float() ? fmt::format("{:.6g}", value.get<double>()) : value.dump();
  }
  return text;
}

}  // namespace

TrainingProgress::TrainingProgress(long total_steps, long first_step)
    : total_(total_steps),
      first_(first_step),
      step_(first_step),
      tty_(isatty(STDERR_FILENO) == 1),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

double TrainingProgress::steps_per_second() const {
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  return seconds > 0.0 ? static_cast<double>(step_ - first_) / seconds : 0.0;
}

void TrainingProgress::step(long step, double epoch, double loss) {
  step_ = step;
  epoch_ = epoch;
  loss_ = loss;
  if (!tty_) return;
  // A few redraws a second are enough to read and cost nothing next to a step.
  const auto now = std::chrono::steady_clock::now();
  if (drawn_ && step != total_ && now - last_draw_ < std::chrono::milliseconds(200)) return;
  last_draw_ = now;
  draw();
}

void TrainingProgress::draw() {
  constexpr long kWidth = 24;
  const long filled = total_ > 0 ? step_ * kWidth / total_ : 0;
  const double rate = steps_per_second();
  const std::string eta = rate > 0.0 ? duration(static_cast<double>(total_ - step_) / rate) : "?";
  fmt::print(stderr, "\r\x1b[Kstep {}/{} [{}{}] epoch {:.2f} loss {:.4f} {:.2f} it/s ETA {}", step_, total_,
             std::string(filled, '#'), std::string(kWidth - filled, ' '), epoch_, loss_, rate, eta);
  std::fflush(stderr);
  drawn_ = true;
}

void TrainingProgress::row(const nlohmann::ordered_json& row) {
  if (tty_) {
    fmt::print(stderr, "\r\x1b[K{}\n", row_text(row));
    draw();
    return;
  }
  const double rate = steps_per_second();
  const std::string eta = rate > 0.0 ? " ETA " + duration(static_cast<double>(total_ - step_) / rate) : "";
  fmt::print(stderr, "{} ({}/{} steps, {:.2f} it/s{})\n", row_text(row), step_, total_, rate, eta);
}

void TrainingProgress::finish() {
  if (drawn_) fmt::print(stderr, "\n");
  drawn_ = false;
}

}  // namespace textclass::train
