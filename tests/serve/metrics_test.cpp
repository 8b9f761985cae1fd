#include "textclass/serve/metrics.hpp"

#include <gtest/gtest.h>

#include "textclass/error.hpp"

namespace textclass::serve {
namespace {

TEST(Metrics, RendersPrometheusText) {
  Metrics metrics;
  metrics.add_counter("te_request_count", "Requests");
  metrics.add_gauge("te_queue_size", "Queued rows");
  metrics.add_histogram("te_batch_next_size", "Rows per batch", {1, 2, 4});
  metrics.increment("te_request_count", {{"method", "single"}});
  metrics.increment("te_request_count", {{"method", "single"}});
  metrics.increment("te_request_count", {{"method", "batch"}});
  metrics.set("te_queue_size", 5);
  for (double rows : {1, 3, 3, 9}) metrics.observe("te_batch_next_size", rows);
  const std::string text = metrics.prometheus_text();
  for (const char* line :
       {"# TYPE te_request_count counter\n", "te_request_count{method=\"single\"} 2\n",
        "te_request_count{method=\"batch\"} 1\n", "# TYPE te_queue_size gauge\n", "te_queue_size 5\n",
        "# TYPE te_batch_next_size histogram\n", "te_batch_next_size_bucket{le=\"1\"} 1\n",
        "te_batch_next_size_bucket{le=\"2\"} 1\n", "te_batch_next_size_bucket{le=\"4\"} 3\n",
        "te_batch_next_size_bucket{le=\"+Inf\"} 4\n", "te_batch_next_size_sum 16\n", "te_batch_next_size_count 4\n"}) {
    EXPECT_NE(text.find(line), std::string::npos) << line << "not in:\n" << text;
  }
}

TEST(Metrics, EscapesLabelValues) {
  Metrics metrics;
  metrics.add_counter("c", "help");
  metrics.increment("c", {{"err", "a\"b\\c\nd"}});
  EXPECT_NE(metrics.prometheus_text().find("c{err=\"a\\\"b\\\\c\\nd\"} 1\n"), std::string::npos);
}

TEST(Metrics, UndeclaredMetricsAreAnError) {
  Metrics metrics;
  metrics.add_gauge("g", "help");
  EXPECT_THROW(metrics.increment("g"), Error);
  EXPECT_THROW(metrics.observe("missing", 1.0), Error);
}

TEST(Metrics, ExponentialBuckets) {
  EXPECT_EQ(exponential_buckets(1, 2, 4), (std::vector<double>{1, 2, 4, 8}));
}

}  // namespace
}  // namespace textclass::serve
