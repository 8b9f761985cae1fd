#pragma once
// The server's counters, gauges and histograms, rendered in Prometheus' text exposition format
// for GET /metrics. Names follow text-embeddings-inference's (te_request_count, te_queue_size,
// ...), so dashboards made for it read these. Thread-safe.
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace textclass::serve {

class Metrics {
 public:
  // A series' labels as Prometheus writes them: {"method", "single"} -> method="single".
  using Labels = std::vector<std::pair<std::string, std::string>>;

  // Declare each metric once, before use; `bounds` are a histogram's bucket upper bounds.
  void add_counter(const std::string& name, const std::string& help);
  void add_gauge(const std::string& name, const std::string& help);
  void add_histogram(const std::string& name, const std::string& help, std::vector<double> bounds);

  void increment(const std::string& name, const Labels& labels = {}, double by = 1.0);
  void set(const std::string& name, double value);
  void observe(const std::string& name, double value);

  std::string prometheus_text() const;

 private:
  enum class Kind { counter, gauge, histogram };
  struct Metric {
    Kind kind;
    std::string help;
    std::map<std::string, double> values;  // counters and gauges: by rendered labels
    std::vector<double> bounds;            // histograms
    std::vector<double> bucket_counts;     // per bound, not cumulative
    double sum = 0.0, count = 0.0;
  };
  Metric& find(const std::string& name, Kind kind);

  mutable std::mutex mutex_;
  std::map<std::string, Metric> metrics_;
};

// Bucket bounds start, start*factor, ... (count of them), as Prometheus' ExponentialBuckets.
std::vector<double> exponential_buckets(double start, double factor, int count);

}  // namespace textclass::serve
