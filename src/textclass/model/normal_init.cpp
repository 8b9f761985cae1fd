#include "textclass/model/normal_init.hpp"

#include <cmath>
#include <numbers>

namespace textclass::model {

std::vector<float> NormalInit::draw(std::size_t n, double std) {
  std::vector<float> out(n);
  auto uniform = [&] { return (static_cast<double>(engine_() >> 11) + 0.5) * 0x1.0p-53; };  // in (0, 1)
  for (std::size_t i = 0; i < n; i += 2) {
    double radius = std * std::sqrt(-2.0 * std::log(uniform()));
    double angle = 2.0 * std::numbers::pi * uniform();
    out[i] = static_cast<float>(radius * std::cos(angle));
    if (i + 1 < n) out[i + 1] = static_cast<float>(radius * std::sin(angle));
  }
  return out;
}

}  // namespace textclass::model
