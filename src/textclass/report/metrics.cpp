#include "textclass/report/metrics.hpp"

#include <fmt/core.h>

#include "textclass/error.hpp"
#include "textclass/report/averages.hpp"

namespace textclass::report {
namespace {

// sklearn's _prf_divide with zero_division=0: a ratio with an empty denominator is 0.
double ratio_or_zero(long numerator, long denominator) {
  return denominator > 0 ? static_cast<double>(numerator) / static_cast<double>(denominator) : 0.0;
}

}  // namespace

Metrics compute_metrics(const std::vector<int>& y_true, const std::vector<int>& y_pred,
                        const std::vector<std::string>& class_names) {
  if (y_true.empty()) throw Error("no rows to score");
  if (y_true.size() != y_pred.size()) {
    throw Error(fmt::format("{} true labels but {} predictions", y_true.size(), y_pred.size()));
  }
  const std::size_t classes = class_names.size();
  Metrics metrics;
  metrics.class_names = class_names;
  metrics.confusion.assign(classes, std::vector<long>(classes, 0));
  long correct = 0;
  for (std::size_t i = 0; i < y_true.size(); ++i) {
    for (int label : {y_true[i], y_pred[i]}) {
      if (label < 0 || static_cast<std::size_t>(label) >= classes) {
        throw Error(fmt::format("label {} is not one of the {} classes", label, classes));
      }
    }
    ++metrics.confusion[y_true[i]][y_pred[i]];
    correct += y_true[i] == y_pred[i];
  }
  for (std::size_t c = 0; c < classes; ++c) {
    long predicted = 0, support = 0;
    for (std::size_t other = 0; other < classes; ++other) {
      predicted += metrics.confusion[other][c];
      support += metrics.confusion[c][other];
    }
    const long hits = metrics.confusion[c][c];
    const double precision = ratio_or_zero(hits, predicted);
    const double recall = ratio_or_zero(hits, support);
    // sklearn's (1 + beta^2) * p * r / (beta^2 * p + r) at beta = 1, in its order of operations.
    const double f1 = precision + recall > 0 ? 2.0 * precision * recall / (precision + recall) : 0.0;
    metrics.per_class.push_back({class_names[c], precision, recall, f1, support});
  }
  metrics.accuracy = ratio_or_zero(correct, static_cast<long>(y_true.size()));
  compute_averages(metrics);
  return metrics;
}

}  // namespace textclass::report
