// metrics.json: what `evaluate` writes and `compare` reads. Only accuracy and the F1 averages are
// stored besides the per-class rows; the other averages follow from those rows.
#include <fmt/core.h>

#include "textclass/error.hpp"
#include "textclass/report/averages.hpp"
#include "textclass/report/metrics.hpp"

namespace textclass::report {
namespace {

using nlohmann::json;

const json& field(const json& object, const std::string& key, const std::string& where) {
  if (!object.is_object()) throw Error(fmt::format("{} is not an object", where));
  const auto it = object.find(key);
  if (it == object.end()) throw Error(fmt::format("{} has no \"{}\"", where, key));
  return *it;
}

double number(const json& object, const std::string& key, const std::string& where) {
  const json& value = field(object, key, where);
  if (!value.is_number()) throw Error(fmt::format("{}: \"{}\" is not a number", where, key));
  return value.get<double>();
}

long count(const json& value, const std::string& what) {
  if (!value.is_number_integer() || value.get<long>() < 0) throw Error(fmt::format("{} is not a count", what));
  return value.get<long>();
}

const json& array(const json& object, const std::string& key, std::size_t size, const std::string& where) {
  const json& value = field(object, key, where);
  if (!value.is_array() || value.size() != size) {
    throw Error(fmt::format("{}: \"{}\" is not an array of {} entries, one per class", where, key, size));
  }
  return value;
}

}  // namespace

json metrics_to_json(const Metrics& metrics, const std::string& model, const std::string& data) {
  json per_class = json::array();
  for (const ClassMetrics& c : metrics.per_class) {
    per_class.push_back(
        {{"name", c.name}, {"precision", c.precision}, {"recall", c.recall}, {"f1", c.f1}, {"support", c.support}});
  }
  json out = {{"model", model},
              {"data", data},
              {"accuracy", metrics.accuracy},
              {"macro_f1", metrics.macro_f1},
              {"weighted_f1", metrics.weighted_f1},
              {"class_names", metrics.class_names},
              {"per_class", per_class},
              {"confusion", metrics.confusion},
              {"report", classification_report(metrics)}};
  if (metrics.loss) out["loss"] = *metrics.loss;
  return out;
}

Metrics metrics_from_json(const json& in) {
  const std::string top = "metrics";
  Metrics metrics;
  const json& names = field(in, "class_names", top);
  if (!names.is_array() || names.empty()) throw Error("metrics: \"class_names\" is not a list of class names");
  for (const json& name : names) {
    if (!name.is_string()) throw Error("metrics: \"class_names\" holds a value that is not a string");
    metrics.class_names.push_back(name.get<std::string>());
  }
  const std::size_t classes = metrics.class_names.size();

  const json& per_class = array(in, "per_class", classes, top);
  for (std::size_t c = 0; c < classes; ++c) {
    const std::string where = fmt::format("metrics: per_class[{}]", c);
    ClassMetrics row;
    row.name = metrics.class_names[c];
    if (field(per_class[c], "name", where) != row.name) {
      throw Error(fmt::format("{}: \"name\" is not \"{}\" as in class_names", where, row.name));
    }
    row.precision = number(per_class[c], "precision", where);
    row.recall = number(per_class[c], "recall", where);
    row.f1 = number(per_class[c], "f1", where);
    row.support = count(field(per_class[c], "support", where), where + ".support");
    metrics.per_class.push_back(row);
  }

  const json& confusion = array(in, "confusion", classes, top);
  for (std::size_t r = 0; r < classes; ++r) {
    const std::string where = fmt::format("metrics: confusion[{}]", r);
    if (!confusion[r].is_array() || confusion[r].size() != classes) {
      throw Error(fmt::format("{} is not a row of {} counts", where, classes));
    }
    std::vector<long> row;
    for (std::size_t c = 0; c < classes; ++c) row.push_back(count(confusion[r][c], fmt::format("{}[{}]", where, c)));
    metrics.confusion.push_back(std::move(row));
  }

  metrics.accuracy = number(in, "accuracy", top);
  compute_averages(metrics);
  if (in.contains("loss") && !in["loss"].is_null()) metrics.loss = number(in, "loss", top);
  return metrics;
}

}  // namespace textclass::report
