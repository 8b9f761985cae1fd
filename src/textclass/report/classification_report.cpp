// scikit-learn 1.2.1's classification_report, reproduced from its format strings:
//   header   "{:>{width}s} " + " {:>9}" * 4, then a blank line
//   class    "{:>{width}s} " + " {:>9.{digits}f}" * 3 + " {:>9}\n", then a blank line
//   accuracy "{:>{width}s} " + " {:>9}" * 2 (empty) + " {:>9.{digits}f}" + " {:>9}\n"
//   averages like a class row, headed "macro avg" and "weighted avg"
// with width = max(longest class name, len("weighted avg"), digits). Python pads by code points.
// When some class occurs in neither the truth nor the predictions, sklearn no longer calls the
// micro average "accuracy" and prints a full "micro avg" row instead.
#include <algorithm>
#include <fmt/core.h>

#include "textclass/report/metrics.hpp"
#include "textclass/report/text_width.hpp"

namespace textclass::report {
namespace {

bool every_class_occurs(const Metrics& metrics) {
  const std::size_t classes = metrics.confusion.size();
  for (std::size_t c = 0; c < classes; ++c) {
    long seen = 0;
    for (std::size_t other = 0; other < classes; ++other) {
      seen += metrics.confusion[c][other] + metrics.confusion[other][c];
    }
    if (seen == 0) return false;
  }
  return true;
}

}  // namespace

std::string classification_report(const Metrics& metrics, int digits) {
  std::size_t width = std::max<std::size_t>(std::string_view("weighted avg").size(), static_cast<std::size_t>(digits));
  for (const std::string& name : metrics.class_names) width = std::max(width, code_points(name));

  const auto row = [&](const std::string& heading, double precision, double recall, double f1, long support) {
    return fmt::format("{}  {:>9.{}f} {:>9.{}f} {:>9.{}f} {:>9}\n", right_aligned(heading, width), precision, digits,
                       recall, digits, f1, digits, support);
  };
  std::string report = fmt::format("{}  {:>9} {:>9} {:>9} {:>9}\n\n", std::string(width, ' '), "precision", "recall",
                                   "f1-score", "support");
  for (const ClassMetrics& c : metrics.per_class) report += row(c.name, c.precision, c.recall, c.f1, c.support);
  report += "\n";
  if (every_class_occurs(metrics)) {
    report += fmt::format("{}  {:>9} {:>9} {:>9.{}f} {:>9}\n", right_aligned("accuracy", width), "", "",
                          metrics.accuracy, digits, metrics.total);
  } else {
    // Every prediction is one of the classes, so micro precision, recall and F1 all equal accuracy.
    report += row("micro avg", metrics.accuracy, metrics.accuracy, metrics.accuracy, metrics.total);
  }
  report += row("macro avg", metrics.macro_precision, metrics.macro_recall, metrics.macro_f1, metrics.total);
  report += row("weighted avg", metrics.weighted_precision, metrics.weighted_recall, metrics.weighted_f1, metrics.total);
  return report;
}

}  // namespace textclass::report
