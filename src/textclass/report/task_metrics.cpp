#include "textclass/report/task_metrics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include <fmt/core.h>

#include "textclass/error.hpp"
#include "textclass/report/text_width.hpp"

namespace textclass::report {
namespace {

double ratio_or_zero(double numerator, double denominator) { return denominator > 0 ? numerator / denominator : 0.0; }

// precision, recall and F1 from counts, as sklearn's _precision_recall_fscore_support (beta 1,
// zero_division 0): F = 2 p r / (p + r), 0 where p + r is 0.
ClassMetrics scores(std::string name, double hits, double predicted, double support) {
  const double p = ratio_or_zero(hits, predicted), r = ratio_or_zero(hits, support);
  const double f1 = p + r > 0 ? 2.0 * p * r / (p + r) : 0.0;
  return {std::move(name), p, r, f1, static_cast<long>(support)};
}

std::vector<char> indicators(const std::vector<int>& row, std::size_t classes) {
  std::vector<char> on(classes, 0);
  for (int c : row) {
    if (c < 0 || static_cast<std::size_t>(c) >= classes)
      throw Error(fmt::format("label {} is not one of the {} classes", c, classes));
    on[static_cast<std::size_t>(c)] = 1;
  }
  return on;
}

double mean(const std::vector<double>& x) { return std::accumulate(x.begin(), x.end(), 0.0) / static_cast<double>(x.size()); }

double pearson(const std::vector<double>& x, const std::vector<double>& y) {
  const double mx = mean(x), my = mean(y);
  double sxy = 0, sxx = 0, syy = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) * (x[i] - mx);
    syy += (y[i] - my) * (y[i] - my);
  }
  if (sxx == 0 || syy == 0) return std::numeric_limits<double>::quiet_NaN();
  return std::clamp(sxy / (std::sqrt(sxx) * std::sqrt(syy)), -1.0, 1.0);
}

// 1-based ranks, ties given their average rank (scipy's rankdata, method "average").
std::vector<double> ranks(const std::vector<double>& x) {
  std::vector<std::size_t> order(x.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return x[a] < x[b]; });
  std::vector<double> rank(x.size());
  for (std::size_t i = 0; i < order.size();) {
    std::size_t j = i;
    while (j + 1 < order.size() && x[order[j + 1]] == x[order[i]]) ++j;
    const double average = (static_cast<double>(i) + static_cast<double>(j)) / 2.0 + 1.0;
    for (std::size_t k = i; k <= j; ++k) rank[order[k]] = average;
    i = j + 1;
  }
  return rank;
}

nlohmann::json number_or_null(double x) { return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(nullptr); }

nlohmann::json scores_json(const ClassMetrics& c) {
  return {{"precision", c.precision}, {"recall", c.recall}, {"f1", c.f1}, {"support", c.support}};
}

}  // namespace

MultiLabelMetrics compute_multilabel_metrics(const std::vector<std::vector<int>>& y_true,
                                             const std::vector<std::vector<int>>& y_pred,
                                             const std::vector<std::string>& class_names) {
  if (y_true.empty()) throw Error("no rows to score");
  if (y_true.size() != y_pred.size())
    throw Error(fmt::format("{} true label sets but {} predictions", y_true.size(), y_pred.size()));
  const std::size_t classes = class_names.size();
  std::vector<double> hits(classes, 0), predicted(classes, 0), support(classes, 0);
  std::vector<ClassMetrics> per_sample;
  long exact = 0, wrong = 0;
  for (std::size_t i = 0; i < y_true.size(); ++i) {
    const std::vector<char> t = indicators(y_true[i], classes), p = indicators(y_pred[i], classes);
    double row_hits = 0, row_predicted = 0, row_true = 0;
    for (std::size_t c = 0; c < classes; ++c) {
      hits[c] += t[c] && p[c];
      predicted[c] += p[c];
      support[c] += t[c];
      row_hits += t[c] && p[c];
      row_predicted += p[c];
      row_true += t[c];
      wrong += t[c] != p[c];
    }
    exact += t == p;
    per_sample.push_back(scores("", row_hits, row_predicted, row_true));
  }
  MultiLabelMetrics m;
  m.class_names = class_names;
  m.rows = static_cast<long>(y_true.size());
  for (std::size_t c = 0; c < classes; ++c) m.per_class.push_back(scores(class_names[c], hits[c], predicted[c], support[c]));
  const double total = std::accumulate(support.begin(), support.end(), 0.0);
  m.micro = scores("micro avg", std::accumulate(hits.begin(), hits.end(), 0.0),
                   std::accumulate(predicted.begin(), predicted.end(), 0.0), total);
  // np.average of the per-class (or per-sample) scores, unweighted or weighted by the supports
  auto average = [&](const std::vector<ClassMetrics>& items, const std::vector<double>* weights, std::string name) {
    double p = 0, r = 0, f = 0, w = 0;
    for (std::size_t i = 0; i < items.size(); ++i) {
      const double weight = weights ? (*weights)[i] : 1.0;
      p += items[i].precision * weight;
      r += items[i].recall * weight;
      f += items[i].f1 * weight;
      w += weight;
    }
    return ClassMetrics{std::move(name), ratio_or_zero(p, w), ratio_or_zero(r, w), ratio_or_zero(f, w),
                        static_cast<long>(total)};
  };
  m.macro = average(m.per_class, nullptr, "macro avg");
  m.weighted = average(m.per_class, &support, "weighted avg");
  m.samples = average(per_sample, nullptr, "samples avg");
  m.subset_accuracy = static_cast<double>(exact) / static_cast<double>(y_true.size());
  m.hamming_loss = static_cast<double>(wrong) / (static_cast<double>(y_true.size()) * static_cast<double>(classes));
  return m;
}

// sklearn's format strings as in classification_report.cpp; multilabel reports have no accuracy
// row but the four averages.
std::string multilabel_classification_report(const MultiLabelMetrics& m, int digits) {
  std::size_t width = std::max<std::size_t>(std::string_view("weighted avg").size(), static_cast<std::size_t>(digits));
  for (const std::string& name : m.class_names) width = std::max(width, code_points(name));
  const auto row = [&](const ClassMetrics& c) {
    return fmt::format("{}  {:>9.{}f} {:>9.{}f} {:>9.{}f} {:>9}\n", right_aligned(c.name, width), c.precision, digits,
                       c.recall, digits, c.f1, digits, c.support);
  };
  std::string report = fmt::format("{}  {:>9} {:>9} {:>9} {:>9}\n\n", std::string(width, ' '), "precision", "recall",
                                   "f1-score", "support");
  for (const ClassMetrics& c : m.per_class) report += row(c);
  report += "\n";
  for (const ClassMetrics* c : {&m.micro, &m.macro, &m.weighted, &m.samples}) report += row(*c);
  return report;
}

RegressionMetrics compute_regression_metrics(const std::vector<double>& y_true, const std::vector<double>& y_pred) {
  if (y_true.empty()) throw Error("no rows to score");
  if (y_true.size() != y_pred.size())
    throw Error(fmt::format("{} true values but {} predictions", y_true.size(), y_pred.size()));
  const double n = static_cast<double>(y_true.size()), true_mean = mean(y_true);
  double squares = 0, absolutes = 0, total = 0;
  for (std::size_t i = 0; i < y_true.size(); ++i) {
    const double d = y_true[i] - y_pred[i];
    squares += d * d;
    absolutes += std::abs(d);
    total += (y_true[i] - true_mean) * (y_true[i] - true_mean);
  }
  RegressionMetrics m;
  m.rows = static_cast<long>(y_true.size());
  m.mse = squares / n;
  m.mae = absolutes / n;
  // r2_score with force_finite: 1 for a perfect fit of constant truth, else 0 where truth is constant
  m.r2 = total != 0 ? 1.0 - squares / total : (squares == 0 ? 1.0 : 0.0);
  m.pearson = pearson(y_true, y_pred);
  m.spearman = pearson(ranks(y_true), ranks(y_pred));
  return m;
}

std::string regression_report(const RegressionMetrics& m, int digits) {
  std::string report;
  const auto line = [&](const char* name, double value) { report += fmt::format("{:<10}{:.{}f}\n", name, value, digits); };
  line("mse", m.mse);
  line("mae", m.mae);
  line("r2", m.r2);
  line("pearson", m.pearson);
  line("spearman", m.spearman);
  return report;
}

nlohmann::json multilabel_metrics_to_json(const MultiLabelMetrics& m, const std::string& model, const std::string& data) {
  nlohmann::json per_class = nlohmann::json::array();
  for (const ClassMetrics& c : m.per_class) {
    nlohmann::json j = scores_json(c);
    j["name"] = c.name;
    per_class.push_back(j);
  }
  nlohmann::json j = {{"model", model},
                      {"data", data},
                      {"problem_type", "multi_label_classification"},
                      {"subset_accuracy", m.subset_accuracy},
                      {"hamming_loss", m.hamming_loss},
                      {"micro_avg", scores_json(m.micro)},
                      {"macro_avg", scores_json(m.macro)},
                      {"weighted_avg", scores_json(m.weighted)},
                      {"samples_avg", scores_json(m.samples)},
                      {"class_names", m.class_names},
                      {"per_class", per_class},
                      {"rows", m.rows},
                      {"report", multilabel_classification_report(m)}};
  if (m.loss) j["loss"] = *m.loss;
  return j;
}

nlohmann::json regression_metrics_to_json(const RegressionMetrics& m, const std::string& model, const std::string& data) {
  nlohmann::json j = {{"model", model},      {"data", data},   {"problem_type", "regression"},
                      {"mse", m.mse},        {"mae", m.mae},   {"r2", m.r2},
                      {"pearson", number_or_null(m.pearson)}, {"spearman", number_or_null(m.spearman)},
                      {"rows", m.rows}};
  if (m.loss) j["loss"] = *m.loss;
  return j;
}

namespace {

ClassMetrics scores_from_json(const nlohmann::json& j, std::string name) {
  return ClassMetrics{std::move(name), j.at("precision").get<double>(), j.at("recall").get<double>(),
                      j.at("f1").get<double>(), j.at("support").get<long>()};
}

double number_or_nan(const nlohmann::json& j) {
  return j.is_null() ? std::numeric_limits<double>::quiet_NaN() : j.get<double>();
}

// nlohmann's exceptions as one line naming the field
template <typename Read>
auto read_metrics(Read read) {
  try {
    return read();
  } catch (const nlohmann::json::exception& e) {
    throw Error(std::string("metrics: ") + e.what());
  }
}

}  // namespace

MultiLabelMetrics multilabel_metrics_from_json(const nlohmann::json& in) {
  return read_metrics([&] {
    MultiLabelMetrics m;
    m.class_names = in.at("class_names").get<std::vector<std::string>>();
    const nlohmann::json& per_class = in.at("per_class");
    if (!per_class.is_array() || per_class.size() != m.class_names.size())
      throw Error("metrics: \"per_class\" does not hold one row per class");
    for (std::size_t c = 0; c < m.class_names.size(); ++c) m.per_class.push_back(scores_from_json(per_class[c], m.class_names[c]));
    m.micro = scores_from_json(in.at("micro_avg"), "micro avg");
    m.macro = scores_from_json(in.at("macro_avg"), "macro avg");
    m.weighted = scores_from_json(in.at("weighted_avg"), "weighted avg");
    m.samples = scores_from_json(in.at("samples_avg"), "samples avg");
    m.subset_accuracy = in.at("subset_accuracy").get<double>();
    m.hamming_loss = in.at("hamming_loss").get<double>();
    m.rows = in.at("rows").get<long>();
    if (in.contains("loss")) m.loss = in.at("loss").get<double>();
    return m;
  });
}

RegressionMetrics regression_metrics_from_json(const nlohmann::json& in) {
  return read_metrics([&] {
    RegressionMetrics m;
    m.mse = in.at("mse").get<double>();
    m.mae = in.at("mae").get<double>();
    m.r2 = in.at("r2").get<double>();
    m.pearson = number_or_nan(in.at("pearson"));
    m.spearman = number_or_nan(in.at("spearman"));
    m.rows = in.at("rows").get<long>();
    if (in.contains("loss")) m.loss = in.at("loss").get<double>();
    return m;
  });
}

}  // namespace textclass::report
