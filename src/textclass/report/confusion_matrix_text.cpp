// The confusion matrix as plain text, e.g.
//   true \ predicted  World  Sports  Business
//              World    303      12        25
// Columns are as wide as their class name or their largest count; names pad by code points so
// that non-ASCII class names stay aligned.
#include <algorithm>
#include <string>
#include <vector>

#include "textclass/report/metrics.hpp"
#include "textclass/report/text_width.hpp"

namespace textclass::report {

std::string confusion_matrix_text(const Metrics& metrics) {
  const std::string corner = "true \\ predicted";
  std::size_t row_heading_width = corner.size();
  for (const std::string& name : metrics.class_names) row_heading_width = std::max(row_heading_width, code_points(name));

  std::vector<std::size_t> column_width;
  for (std::size_t c = 0; c < metrics.class_names.size(); ++c) {
    std::size_t width = code_points(metrics.class_names[c]);
    for (const auto& row : metrics.confusion) width = std::max(width, std::to_string(row[c]).size());
    column_width.push_back(width);
  }

  std::string text = right_aligned(corner, row_heading_width);
  for (std::size_t c = 0; c < column_width.size(); ++c) {
    text += "  " + right_aligned(metrics.class_names[c], column_width[c]);
  }
  text += "\n";
  for (std::size_t r = 0; r < metrics.confusion.size(); ++r) {
    text += right_aligned(metrics.class_names[r], row_heading_width);
    for (std::size_t c = 0; c < column_width.size(); ++c) {
      text += "  " + right_aligned(std::to_string(metrics.confusion[r][c]), column_width[c]);
    }
    text += "\n";
  }
  return text;
}

}  // namespace textclass::report
