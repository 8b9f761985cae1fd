#pragma once
// Small pieces shared by the HTML page and its SVG charts: escaping, the run colours, and
// coordinates printed short.
#include <fmt/core.h>
#include <string>

namespace textclass::report {

// Text and attribute values: the five characters HTML and SVG give a meaning.
inline std::string html_escape(const std::string& text) {
  std::string escaped;
  for (char c : text) {
    switch (c) {
      case '&': escaped += "&amp;"; break;
      case '<': escaped += "&lt;"; break;
      case '>': escaped += "&gt;"; break;
      case '"': escaped += "&quot;"; break;
      case '\'': escaped += "&#39;"; break;
      default: escaped += c;
    }
  }
  return escaped;
}

// One colour per run, in run order (Tableau 10, readable on white and for most colour vision).
inline std::string run_color(std::size_t run) {
  static const char* const palette[] = {"#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2",
                                        "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"};
  return palette[run % std::size(palette)];
}

// An SVG coordinate: a tenth of a pixel is finer than any screen shows.
inline std::string px(double value) { return fmt::format("{:.1f}", value); }

}  // namespace textclass::report
