#include "textclass/report/html_axis.hpp"

#include <cmath>
#include <fmt/core.h>

namespace textclass::report {

Axis nice_axis(double low, double high, int target) {
  if (high <= low) {
    const double pad = low == 0 ? 1.0 : std::abs(low) * 0.1;
    low -= pad;
    high += pad;
  }
  const double rough = (high - low) / target;
  const double magnitude = std::pow(10.0, std::floor(std::log10(rough)));
  const double fraction = rough / magnitude;
  const double step = (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * magnitude;
  Axis axis{std::floor(low / step + 1e-9) * step, std::ceil(high / step - 1e-9) * step, {}, step};
  const auto count = static_cast<int>(std::round((axis.high - axis.low) / step));
  for (int i = 0; i <= count; ++i) axis.ticks.push_back(axis.low + i * step);
  return axis;
}

std::string tick_label(double value, double step) {
  if (std::abs(value) < step * 1e-6) value = 0;  // no "-0.0" from rounding
  if (step >= 1000 && value != 0 && std::fmod(value, 1000) == 0) {
    return fmt::format("{}k", static_cast<long>(value / 1000));
  }
  const int decimals = std::max(0, static_cast<int>(-std::floor(std::log10(step) + 1e-9)));
  return fmt::format("{:.{}f}", value, decimals);
}

}  // namespace textclass::report
