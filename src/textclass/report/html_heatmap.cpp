// The confusion-matrix heatmap. A cell's shade is sqrt(count / row total) on a white-to-navy
// ramp: the square root keeps the few-percent confusions visible beside a 95% diagonal.
#include <algorithm>
#include <array>
#include <cmath>
#include <fmt/core.h>

#include "textclass/report/html_chart_frame.hpp"
#include "textclass/report/html_charts.hpp"
#include "textclass/report/html_text.hpp"
#include "textclass/report/text_width.hpp"

namespace textclass::report {
namespace {

constexpr double kCell = 60, kCharWidth = 7.5;

// ColorBrewer's "Blues" at five stops, interpolated linearly in RGB.
std::string shade_color(double shade) {
  static constexpr std::array<std::array<double, 3>, 5> stops = {
      {{247, 251, 255}, {198, 219, 239}, {107, 174, 214}, {33, 113, 181}, {8, 48, 107}}};
  const double position = std::clamp(shade, 0.0, 1.0) * (stops.size() - 1);
  const auto below = std::min(static_cast<std::size_t>(position), stops.size() - 2);
  const double t = position - below;
  std::array<int, 3> rgb{};
  for (int k = 0; k < 3; ++k) {
    rgb[k] = static_cast<int>(std::lround(stops[below][k] + t * (stops[below + 1][k] - stops[below][k])));
  }
  return fmt::format("#{:02x}{:02x}{:02x}", rgb[0], rgb[1], rgb[2]);
}

}  // namespace

std::string svg_confusion_heatmap(const Metrics& metrics) {
  const std::size_t n = metrics.class_names.size();
  std::size_t longest = 0;
  for (const std::string& name : metrics.class_names) longest = std::max(longest, code_points(name));
  // Column labels turn diagonal when they would not fit across their cell.
  const bool slanted = static_cast<double>(longest) * kCharWidth > kCell - 6;
  const double left = 34 + static_cast<double>(longest) * kCharWidth;
  const double top = 26 + (slanted ? static_cast<double>(longest) * kCharWidth * 0.7 + 8 : 22);
  const double width = left + static_cast<double>(n) * kCell + 12;
  const double height = top + static_cast<double>(n) * kCell + 12;

  std::string svg = svg_open(width, height, "chart heatmap", "confusion matrix");
  svg += fmt::format(R"(<text class="axis-title" x="{}" y="14" text-anchor="middle">predicted</text>)" "\n",
                     px(left + static_cast<double>(n) * kCell / 2));
  svg += fmt::format(R"svg(<text class="axis-title" transform="translate(12 {}) rotate(-90)")svg"
                     R"svg( text-anchor="middle">true</text>)svg" "\n",
                     px(top + static_cast<double>(n) * kCell / 2));
  for (std::size_t c = 0; c < n; ++c) {
    const double x = left + (static_cast<double>(c) + 0.5) * kCell;
    const std::string name = html_escape(metrics.class_names[c]);
    if (slanted) {
      svg += fmt::format(R"svg(<text class="label" transform="translate({} {}) rotate(-40)">{}</text>)svg" "\n",
                         px(x - 4), px(top - 6), name);
    } else {
      svg += fmt::format(R"(<text class="label" x="{}" y="{}" text-anchor="middle">{}</text>)" "\n", px(x),
                         px(top - 8), name);
    }
  }
  for (std::size_t r = 0; r < n; ++r) {
    long row_total = 0;
    for (long count : metrics.confusion[r]) row_total += count;
    const double y = top + static_cast<double>(r) * kCell;
    svg += fmt::format(R"(<text class="label" x="{}" y="{}" text-anchor="end" dominant-baseline="middle">{}</text>)" "\n",
                       px(left - 8), px(y + kCell / 2), html_escape(metrics.class_names[r]));
    for (std::size_t c = 0; c < n; ++c) {
      const long count = metrics.confusion[r][c];
      const double share = row_total > 0 ? static_cast<double>(count) / static_cast<double>(row_total) : 0.0;
      const double shade = std::sqrt(share);
      const double x = left + static_cast<double>(c) * kCell;
      svg += fmt::format(
          R"(<g><title>true {}, predicted {}: {} ({:.1f}% of {})</title>)"
          R"(<rect x="{}" y="{}" width="{}" height="{}" fill="{}" stroke="#ffffff"/>)"
          R"(<text class="count{}" x="{}" y="{}" text-anchor="middle" dominant-baseline="middle">{}</text></g>)" "\n",
          html_escape(metrics.class_names[r]), html_escape(metrics.class_names[c]), count, 100 * share,
          html_escape(metrics.class_names[r]), px(x), px(y), px(kCell), px(kCell), shade_color(shade),
          shade > 0.6 ? " on-dark" : "", px(x + kCell / 2), px(y + kCell / 2), count);
    }
  }
  return svg + "</svg>\n";
}

}  // namespace textclass::report
