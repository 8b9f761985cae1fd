#include "textclass/report/averages.hpp"

namespace textclass::report {

void compute_averages(Metrics& metrics) {
  double precision = 0, recall = 0, f1 = 0;
  double weighted_precision = 0, weighted_recall = 0, weighted_f1 = 0;
  metrics.total = 0;
  for (const ClassMetrics& c : metrics.per_class) {
    precision += c.precision;
    recall += c.recall;
    f1 += c.f1;
    const auto support = static_cast<double>(c.support);
    weighted_precision += c.precision * support;
    weighted_recall += c.recall * support;
    weighted_f1 += c.f1 * support;
    metrics.total += c.support;
  }
  const auto classes = static_cast<double>(metrics.per_class.size());
  metrics.macro_precision = precision / classes;
  metrics.macro_recall = recall / classes;
  metrics.macro_f1 = f1 / classes;
  // With no true rows at all sklearn returns the zero_division value, 0.
  const auto total = static_cast<double>(metrics.total);
  metrics.weighted_precision = metrics.total > 0 ? weighted_precision / total : 0.0;
  metrics.weighted_recall = metrics.total > 0 ? weighted_recall / total : 0.0;
  metrics.weighted_f1 = metrics.total > 0 ? weighted_f1 / total : 0.0;
}

}  // namespace textclass::report
