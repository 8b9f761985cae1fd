// metrics.json: the object's fields, an exact round trip, and errors that name the bad field.
#include <gtest/gtest.h>

#include "report_test_support.hpp"
#include "textclass/report/metrics.hpp"

namespace textclass::report {
namespace {

using testing::error_message;

Metrics sample_metrics() {
  Metrics metrics = compute_metrics({0, 0, 1, 2, 2, 2, 1}, {0, 1, 1, 2, 0, 2, 1}, {"World", "Sports", "Sci/Tech"});
  metrics.loss = 0.4321;
  return metrics;
}

TEST(MetricsJson, HoldsTheSharedFields) {
  const Metrics metrics = sample_metrics();
  const nlohmann::json json = metrics_to_json(metrics, "bert-base-cased", "data/ag_news/test.csv");
  EXPECT_EQ(json["model"], "bert-base-cased");
  EXPECT_EQ(json["data"], "data/ag_news/test.csv");
  EXPECT_EQ(json["accuracy"].get<double>(), 5.0 / 7.0);
  EXPECT_EQ(json["macro_f1"].get<double>(), metrics.macro_f1);
  EXPECT_EQ(json["weighted_f1"].get<double>(), metrics.weighted_f1);
  EXPECT_EQ(json["loss"].get<double>(), 0.4321);
  EXPECT_EQ(json["class_names"], nlohmann::json({"World", "Sports", "Sci/Tech"}));
  ASSERT_EQ(json["per_class"].size(), 3u);
  EXPECT_EQ(json["per_class"][1]["name"], "Sports");
  EXPECT_EQ(json["per_class"][1]["precision"].get<double>(), 2.0 / 3.0);
  EXPECT_EQ(json["per_class"][1]["recall"].get<double>(), 1.0);
  EXPECT_EQ(json["per_class"][1]["support"], 2);
  EXPECT_EQ(json["confusion"], nlohmann::json({{1, 1, 0}, {0, 2, 0}, {1, 0, 2}}));
  EXPECT_EQ(json["report"], classification_report(metrics));
}

TEST(MetricsJson, LossIsLeftOutWhenUndefined) {
  Metrics metrics = sample_metrics();
  metrics.loss.reset();
  const nlohmann::json json = metrics_to_json(metrics, "baseline", "test.csv");
  EXPECT_FALSE(json.contains("loss"));
  EXPECT_FALSE(metrics_from_json(json).loss.has_value());
}

TEST(MetricsJson, RoundTripsExactlyThroughText) {
  const Metrics metrics = sample_metrics();
  const Metrics back =
      metrics_from_json(nlohmann::json::parse(metrics_to_json(metrics, "m", "d").dump(2)));
  EXPECT_EQ(back.class_names, metrics.class_names);
  ASSERT_EQ(back.per_class.size(), metrics.per_class.size());
  for (std::size_t c = 0; c < metrics.per_class.size(); ++c) {
    EXPECT_EQ(back.per_class[c].name, metrics.per_class[c].name);
    EXPECT_EQ(back.per_class[c].precision, metrics.per_class[c].precision);
    EXPECT_EQ(back.per_class[c].recall, metrics.per_class[c].recall);
    EXPECT_EQ(back.per_class[c].f1, metrics.per_class[c].f1);
    EXPECT_EQ(back.per_class[c].support, metrics.per_class[c].support);
  }
  EXPECT_EQ(back.accuracy, metrics.accuracy);
  EXPECT_EQ(back.macro_precision, metrics.macro_precision);
  EXPECT_EQ(back.macro_recall, metrics.macro_recall);
  EXPECT_EQ(back.macro_f1, metrics.macro_f1);
  EXPECT_EQ(back.weighted_precision, metrics.weighted_precision);
  EXPECT_EQ(back.weighted_recall, metrics.weighted_recall);
  EXPECT_EQ(back.weighted_f1, metrics.weighted_f1);
  EXPECT_EQ(back.total, metrics.total);
  EXPECT_EQ(back.confusion, metrics.confusion);
  EXPECT_EQ(back.loss, metrics.loss);
}

TEST(MetricsJson, ErrorsNameTheBadField) {
  const nlohmann::json good = metrics_to_json(sample_metrics(), "m", "d");
  const auto message_without = [&](const std::string& key) {
    nlohmann::json bad = good;
    bad.erase(key);
    return error_message([&] { metrics_from_json(bad); });
  };
  EXPECT_EQ(message_without("class_names"), "metrics has no \"class_names\"");
  EXPECT_EQ(message_without("accuracy"), "metrics has no \"accuracy\"");
  EXPECT_EQ(message_without("confusion"), "metrics has no \"confusion\"");

  nlohmann::json bad = good;
  bad["per_class"][2]["support"] = "many";
  EXPECT_EQ(error_message([&] { metrics_from_json(bad); }), "metrics: per_class[2].support is not a count");
  bad = good;
  bad["per_class"].erase(1);
  EXPECT_EQ(error_message([&] { metrics_from_json(bad); }),
            "metrics: \"per_class\" is not an array of 3 entries, one per class");
  bad = good;
  bad["confusion"][1] = {0, 2};
  EXPECT_EQ(error_message([&] { metrics_from_json(bad); }), "metrics: confusion[1] is not a row of 3 counts");
  bad = good;
  bad["per_class"][0]["name"] = "Sports";
  EXPECT_EQ(error_message([&] { metrics_from_json(bad); }),
            "metrics: per_class[0]: \"name\" is not \"World\" as in class_names");
  EXPECT_EQ(error_message([&] { metrics_from_json(nlohmann::json::array()); }), "metrics is not an object");
}

}  // namespace
}  // namespace textclass::report
