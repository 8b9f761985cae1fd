// Line charts of values against training step: one polyline per series, with point markers
// when a series has few points (evaluations) and none when it has many (the training loss).
#include <algorithm>
#include <fmt/core.h>
#include <limits>

#include "textclass/report/html_chart_frame.hpp"
#include "textclass/report/html_charts.hpp"
#include "textclass/report/html_text.hpp"

namespace textclass::report {
namespace {

constexpr std::size_t kMostMarkers = 20;  // beyond this many points, markers only add clutter

}  // namespace

std::string svg_line_chart(const std::string& title, const std::string& x_label, const std::string& y_label,
                           const std::vector<LineSeries>& series) {
  double x_low = std::numeric_limits<double>::max(), x_high = std::numeric_limits<double>::lowest();
  double y_low = x_low, y_high = x_high;
  for (const LineSeries& s : series) {
    for (const auto& [x, y] : s.points) {
      x_low = std::min(x_low, x), x_high = std::max(x_high, x);
      y_low = std::min(y_low, y), y_high = std::max(y_high, y);
    }
  }
  const Axis x_axis_range = nice_axis(std::min(x_low, 0.0), x_high, 6);
  const Axis y_axis_range = nice_axis(y_low, y_high, 5);

  const double width = 760, height = 320;
  const PlotArea plot{64, 58, width - 16, height - 48};
  std::vector<LegendEntry> legend;
  for (const LineSeries& s : series) legend.push_back({s.name, s.color, s.dashed});
  std::string svg = chart_header(width, height, title, legend, true);
  svg += value_axis(y_axis_range, plot, y_label);
  svg += x_axis(x_axis_range, plot, x_label);

  for (const LineSeries& s : series) {
    std::string points;
    for (const auto& [x, y] : s.points) {
      points += fmt::format("{}{},{}", points.empty() ? "" : " ", px(plot.x_of(x, x_axis_range)),
                            px(plot.y_of(y, y_axis_range)));
    }
    svg += fmt::format(R"(<polyline class="line{}" points="{}" stroke="{}"/>)" "\n", s.dashed ? " dashed" : "", points,
                       s.color);
    if (s.points.size() > kMostMarkers) continue;
    for (const auto& [x, y] : s.points) {
      svg += fmt::format(R"(<circle cx="{}" cy="{}" r="3.5" fill="{}"><title>{}, step {}: {:.4f}</title></circle>)" "\n",
                         px(plot.x_of(x, x_axis_range)), px(plot.y_of(y, y_axis_range)), s.color,
                         html_escape(s.name), x, y);
    }
  }
  return svg + "</svg>\n";
}

}  // namespace textclass::report
