// Grouped bars: groups side by side across the plot, each with one bar per series taking 75% of
// the group's width between them, and the value printed above each bar when it is wide enough.
#include <algorithm>
#include <fmt/core.h>

#include "textclass/report/html_chart_frame.hpp"
#include "textclass/report/html_charts.hpp"
#include "textclass/report/html_text.hpp"

namespace textclass::report {

std::string svg_grouped_bars(const std::string& title, const std::vector<std::string>& groups,
                             const std::vector<BarSeries>& series) {
  double smallest = 1;
  for (const BarSeries& s : series) {
    for (double value : s.values) smallest = std::min(smallest, value);
  }
  const Axis axis = nice_axis(std::max(0.0, smallest - 0.03), 1.0);

  const double width = 760, height = 330;
  const PlotArea plot{56, 58, width - 12, height - 46};
  std::vector<LegendEntry> legend;
  for (const BarSeries& s : series) legend.push_back({s.name, s.color});
  std::string svg = chart_header(width, height, title, legend, false);
  svg += value_axis(axis, plot, axis.low > 0 ? fmt::format("F1 (axis from {})", tick_label(axis.low, axis.step)) : "F1");

  const double group_width = (plot.right - plot.left) / static_cast<double>(groups.size());
  const double bar_width = group_width * 0.75 / static_cast<double>(series.size());
  for (std::size_t g = 0; g < groups.size(); ++g) {
    const double group_left = plot.left + static_cast<double>(g) * group_width + group_width * 0.125;
    for (std::size_t s = 0; s < series.size(); ++s) {
      const double value = series[s].values[g];
      const double x = group_left + static_cast<double>(s) * bar_width;
      const double y = plot.y_of(std::max(value, axis.low), axis);
      svg += fmt::format(R"(<g><title>{}, {}: {:.4f}</title><rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>)",
                         html_escape(series[s].name), html_escape(groups[g]), value, px(x + 1), px(y),
                         px(bar_width - 2), px(plot.bottom - y), series[s].color);
      if (bar_width >= 30) {
        svg += fmt::format(R"(<text class="bar-value" x="{}" y="{}" text-anchor="middle">{:.3f}</text>)",
                           px(x + bar_width / 2), px(y - 4), value);
      }
      svg += "</g>\n";
    }
    svg += fmt::format(R"(<text class="label" x="{}" y="{}" text-anchor="middle">{}</text>)" "\n",
                       px(group_left + group_width * 0.375), px(plot.bottom + 18), html_escape(groups[g]));
  }
  svg += fmt::format(R"(<line class="axis" x1="{}" y1="{y}" x2="{}" y2="{y}"/>)" "\n", px(plot.left), px(plot.right),
                     fmt::arg("y", px(plot.bottom)));
  return svg + "</svg>\n";
}

}  // namespace textclass::report
