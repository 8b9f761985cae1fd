#include "textclass/report/html_chart_frame.hpp"

#include <fmt/core.h>

#include "textclass/report/html_text.hpp"
#include "textclass/report/text_width.hpp"

namespace textclass::report {

std::string svg_open(double width, double height, const std::string& css_class, const std::string& label) {
  return fmt::format(R"(<svg class="{}" viewBox="0 0 {w} {h}" width="{w}" role="img" aria-label="{}" )"
                     R"(xmlns="http://www.w3.org/2000/svg">)" "\n",
                     css_class, html_escape(label), fmt::arg("w", px(width)), fmt::arg("h", px(height)));
}

std::string chart_header(double width, double height, const std::string& title, const std::vector<LegendEntry>& legend,
                         bool line_samples) {
  std::string svg = svg_open(width, height, "chart", title);
  svg += fmt::format(R"(<text class="chart-title" x="12" y="20">{}</text>)" "\n", html_escape(title));
  double x = 12;
  for (const LegendEntry& entry : legend) {
    const double sample = line_samples ? 22 : 12;
    if (line_samples) {
      svg += fmt::format(R"(<line class="line{}" x1="{}" y1="37" x2="{}" y2="37" stroke="{}"/>)",
                         entry.dashed ? " dashed" : "", px(x), px(x + sample), entry.color);
    } else {
      svg += fmt::format(R"(<rect x="{}" y="31" width="12" height="12" rx="2" fill="{}"/>)", px(x), entry.color);
    }
    svg += fmt::format(R"(<text class="legend" x="{}" y="41">{}</text>)" "\n", px(x + sample + 5),
                       html_escape(entry.name));
    x += sample + 5 + 7.5 * static_cast<double>(code_points(entry.name)) + 18;
  }
  return svg;
}

std::string value_axis(const Axis& axis, const PlotArea& plot, const std::string& label) {
  std::string svg;
  for (double tick : axis.ticks) {
    const double y = plot.y_of(tick, axis);
    svg += fmt::format(R"(<line class="grid" x1="{}" y1="{y}" x2="{}" y2="{y}"/>)"
                       R"(<text class="tick" x="{}" y="{y}" text-anchor="end" dominant-baseline="middle">{}</text>)" "\n",
                       px(plot.left), px(plot.right), px(plot.left - 6), tick_label(tick, axis.step),
                       fmt::arg("y", px(y)));
  }
  svg += fmt::format(R"svg(<text class="axis-title" transform="translate(14 {}) rotate(-90)")svg"
                     R"svg( text-anchor="middle">{}</text>)svg" "\n",
                     px((plot.top + plot.bottom) / 2), html_escape(label));
  return svg;
}

std::string x_axis(const Axis& axis, const PlotArea& plot, const std::string& label) {
  std::string svg = fmt::format(R"(<line class="axis" x1="{}" y1="{y}" x2="{}" y2="{y}"/>)" "\n", px(plot.left),
                                px(plot.right), fmt::arg("y", px(plot.bottom)));
  for (double tick : axis.ticks) {
    const double x = plot.x_of(tick, axis);
    svg += fmt::format(R"(<line class="axis" x1="{x}" y1="{}" x2="{x}" y2="{}"/>)"
                       R"(<text class="tick" x="{x}" y="{}" text-anchor="middle">{}</text>)" "\n",
                       px(plot.bottom), px(plot.bottom + 4), px(plot.bottom + 17), tick_label(tick, axis.step),
                       fmt::arg("x", px(x)));
  }
  svg += fmt::format(R"(<text class="axis-title" x="{}" y="{}" text-anchor="middle">{}</text>)" "\n",
                     px((plot.left + plot.right) / 2), px(plot.bottom + 34), html_escape(label));
  return svg;
}

}  // namespace textclass::report
