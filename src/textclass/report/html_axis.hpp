#pragma once
// Axis ticks at "nice" values (1, 2 or 5 times a power of ten) covering a data range, as plotting
// libraries choose them, with labels that show just the digits the step needs.
#include <string>
#include <vector>

namespace textclass::report {

struct Axis {
  double low, high;           // the drawn range: the data range widened to whole ticks
  std::vector<double> ticks;  // from low to high
  double step;
};

// About `target` ticks over [low, high]; an empty range is widened around its value.
Axis nice_axis(double low, double high, int target = 5);

std::string tick_label(double value, double step);

}  // namespace textclass::report
