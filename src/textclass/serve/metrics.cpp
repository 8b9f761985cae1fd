#include "textclass/serve/metrics.hpp"

#include <fmt/core.h>

#include "textclass/error.hpp"

namespace textclass::serve {
namespace {

// Label values escaped as the exposition format asks: backslash, double quote and newline.
std::string escape_label(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') out += '\\';
    out += c == '\n' ? std::string("\\n") : std::string(1, c);
  }
  return out;
}

std::string render_labels(const Metrics::Labels& labels) {
  if (labels.empty()) return "";
  std::string out = "{";
  for (std::size_t i = 0; i < labels.size(); ++i) {
    out += fmt::format("{}{}=\"{}\"", i == 0 ? "" : ",", labels[i].first, escape_label(labels[i].second));
  }
  return out + "}";
}

}  // namespace

std::vector<double> exponential_buckets(double start, double factor, int count) {
  std::vector<double> bounds;
  for (int i = 0; i < count; ++i, start *= factor) bounds.push_back(start);
  return bounds;
}

void Metrics::add_counter(const std::string& name, const std::string& help) {
  std::lock_guard lock(mutex_);
  metrics_[name] = Metric{Kind::counter, help, {}, {}, {}};
}

void Metrics::add_gauge(const std::string& name, const std::string& help) {
  std::lock_guard lock(mutex_);
  metrics_[name] = Metric{Kind::gauge, help, {{"", 0.0}}, {}, {}};
}

void Metrics::add_histogram(const std::string& name, const std::string& help, std::vector<double> bounds) {
  std::lock_guard lock(mutex_);
  const std::size_t buckets = bounds.size();
  metrics_[name] = Metric{Kind::histogram, help, {}, std::move(bounds), std::vector<double>(buckets, 0.0)};
}

Metrics::Metric& Metrics::find(const std::string& name, Kind kind) {
  const auto it = metrics_.find(name);
  if (it == metrics_.end() || it->second.kind != kind) throw Error("metric " + name + " was not declared as used");
  return it->second;
}

void Metrics::increment(const std::string& name, const Labels& labels, double by) {
  std::lock_guard lock(mutex_);
  find(name, Kind::counter).values[render_labels(labels)] += by;
}

void Metrics::set(const std::string& name, double value) {
  std::lock_guard lock(mutex_);
  find(name, Kind::gauge).values[""] = value;
}

void Metrics::observe(const std::string& name, double value) {
  std::lock_guard lock(mutex_);
  Metric& metric = find(name, Kind::histogram);
  for (std::size_t i = 0; i < metric.bounds.size(); ++i) {
    if (value <= metric.bounds[i]) {
      metric.bucket_counts[i] += 1.0;
      break;
    }
  }
  metric.sum += value;
  metric.count += 1.0;
}

std::string Metrics::prometheus_text() const {
  std::lock_guard lock(mutex_);
  std::string out;
  for (const auto& [name, metric] : metrics_) {
    static constexpr const char* kKinds[] = {"counter", "gauge", "histogram"};
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, metric.help, name, kKinds[static_cast<int>(metric.kind)]);
    if (metric.kind != Kind::histogram) {
      for (const auto& [labels, value] : metric.values) out += fmt::format("{}{} {}\n", name, labels, value);
      continue;
    }
    double cumulative = 0.0;
    for (std::size_t i = 0; i < metric.bounds.size(); ++i) {
      cumulative += metric.bucket_counts[i];
      out += fmt::format("{}_bucket{{le=\"{}\"}} {}\n", name, metric.bounds[i], cumulative);
    }
    out += fmt::format("{}_bucket{{le=\"+Inf\"}} {}\n{}_sum {}\n{}_count {}\n", name, metric.count, name, metric.sum,
                       name, metric.count);
  }
  return out;
}

}  // namespace textclass::serve
