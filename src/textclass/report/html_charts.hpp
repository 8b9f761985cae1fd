#pragma once
// Inline SVG charts for the comparison page, drawn from the numbers alone (no script, no external
// file): a confusion-matrix heatmap, grouped bars, and line charts. Each returns one <svg> element
// that scales to its container's width; hovering a mark shows its exact value (SVG <title>).
#include <string>
#include <utility>
#include <vector>

#include "textclass/report/metrics.hpp"

namespace textclass::report {

// Cells shaded by the share of the true class (the row) they hold, each labelled with its count.
std::string svg_confusion_heatmap(const Metrics& metrics);

struct BarSeries {
  std::string name, color;
  std::vector<double> values;  // one per group, in [0, 1]
};

// One group of bars per label, one bar per series. The value axis ends at 1 and starts at the
// tick below the smallest value, so that close scores stay distinguishable; the axis says so.
std::string svg_grouped_bars(const std::string& title, const std::vector<std::string>& groups,
                             const std::vector<BarSeries>& series);

struct LineSeries {
  std::string name, color;
  std::vector<std::pair<double, double>> points;  // (x, y), x increasing
  bool dashed = false;                            // to tell apart two series of one colour
};

// At least one series must have a point.
std::string svg_line_chart(const std::string& title, const std::string& x_label, const std::string& y_label,
                           const std::vector<LineSeries>& series);

}  // namespace textclass::report
