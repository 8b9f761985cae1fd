#pragma once
// What the bar and line charts share: the <svg> element with its title and legend, the plot
// rectangle, and the axes with their gridlines and tick labels.
#include <string>
#include <vector>

#include "textclass/report/html_axis.hpp"

namespace textclass::report {

struct PlotArea {
  double left, top, right, bottom;  // in SVG pixels; y grows downwards

  double x_of(double value, const Axis& axis) const {
    return left + (value - axis.low) / (axis.high - axis.low) * (right - left);
  }
  double y_of(double value, const Axis& axis) const {
    return bottom - (value - axis.low) / (axis.high - axis.low) * (bottom - top);
  }
};

// The opening <svg> tag of a chart `width` by `height` pixels that shrinks to fit narrow screens.
std::string svg_open(double width, double height, const std::string& css_class, const std::string& label);

struct LegendEntry {
  std::string name, color;
  bool dashed = false;  // drawn as a dashed line sample rather than a filled square
};

// Opens the <svg> and draws the title and, below it, the legend: squares for bars, line samples
// for line charts.
std::string chart_header(double width, double height, const std::string& title, const std::vector<LegendEntry>& legend,
                         bool line_samples);

// Horizontal gridlines at the axis's ticks, their labels on the left, and the axis's title.
std::string value_axis(const Axis& axis, const PlotArea& plot, const std::string& label);

// Tick marks and labels below the plot, and the axis's title.
std::string x_axis(const Axis& axis, const PlotArea& plot, const std::string& label);

}  // namespace textclass::report
