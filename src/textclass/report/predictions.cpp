#include "textclass/report/predictions.hpp"

#include <cmath>
#include <fmt/core.h>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace textclass::report {
namespace {

// JSON has no NaN or infinity (a diverged model gives them): those become null.
std::string json_number(float value) { return std::isfinite(value) ? fmt::format("{}", value) : "null"; }

// Invalid UTF-8 in a class name becomes U+FFFD rather than an exception mid-file.
std::string json_string(const std::string& text) {
  return nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// RFC 4180: a field holding a comma, quote or line break is quoted, with quotes doubled.
std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

void check(const Prediction& prediction, std::size_t classes) {
  if (prediction.scores.size() != classes || prediction.label_id < 0 ||
      static_cast<std::size_t>(prediction.label_id) >= classes) {
    throw std::invalid_argument(fmt::format("prediction of class {} with {} scores for {} classes",
                                            prediction.label_id, prediction.scores.size(), classes));
  }
}

// "probs" or "logits": the JSON key of the scores; "prob_" or "logit_" before a class in the CSV.
const char* scores_name(Scores scores) { return scores == Scores::logits ? "logits" : "probs"; }
const char* column_prefix(Scores scores) { return scores == Scores::logits ? "logit_" : "prob_"; }

void write_json_lines(std::ostream& out, const std::vector<Prediction>& predictions,
                      const std::vector<std::string>& class_names, Scores scores) {
  for (const Prediction& prediction : predictions) {
    std::string line = fmt::format(R"({{"label": {}, "label_id": {}, "score": {}, "{}": [)",
                                   json_string(class_names[prediction.label_id]), prediction.label_id,
                                   json_number(prediction.scores[prediction.label_id]), scores_name(scores));
    for (std::size_t c = 0; c < prediction.scores.size(); ++c) {
      line += (c > 0 ? ", " : "") + json_number(prediction.scores[c]);
    }
    out << line << "]}\n";
  }
}

void write_csv(std::ostream& out, const std::vector<Prediction>& predictions,
               const std::vector<std::string>& class_names, Scores scores) {
  std::string header = "label,label_id,score";
  for (const std::string& name : class_names) header += fmt::format(",{}", csv_field(column_prefix(scores) + name));
  out << header << "\n";
  for (const Prediction& prediction : predictions) {
    std::string line = fmt::format("{},{},{}", csv_field(class_names[prediction.label_id]), prediction.label_id,
                                   prediction.scores[prediction.label_id]);
    for (float score : prediction.scores) line += fmt::format(",{}", score);
    out << line << "\n";
  }
}

template <typename T>
std::string joined(const std::vector<int>& ids, const T& item, const char* separator) {
  std::string text;
  for (std::size_t i = 0; i < ids.size(); ++i) text += (i > 0 ? separator : "") + item(ids[i]);
  return text;
}

}  // namespace

void write_label_set_predictions(std::ostream& out, const std::vector<LabelSetPrediction>& predictions,
                                 const std::vector<std::string>& class_names, bool csv, Scores scores) {
  for (const LabelSetPrediction& prediction : predictions) {
    if (prediction.scores.size() != class_names.size())
      throw std::invalid_argument(fmt::format("{} scores for {} classes", prediction.scores.size(), class_names.size()));
    for (int id : prediction.label_ids)
      if (id < 0 || static_cast<std::size_t>(id) >= class_names.size())
        throw std::invalid_argument(fmt::format("class {} of {}", id, class_names.size()));
  }
  const auto name = [&](int id) { return class_names[static_cast<std::size_t>(id)]; };
  const auto number = [](int id) { return std::to_string(id); };
  if (csv) {
    std::string header = "labels,label_ids";
    for (const std::string& c : class_names) header += fmt::format(",{}", csv_field(column_prefix(scores) + c));
    out << header << "\n";
    for (const LabelSetPrediction& prediction : predictions) {
      std::string line = csv_field(joined(prediction.label_ids, name, ";")) + "," +
                         joined(prediction.label_ids, number, ";");
      for (float score : prediction.scores) line += fmt::format(",{}", score);
      out << line << "\n";
    }
    return;
  }
  for (const LabelSetPrediction& prediction : predictions) {
    std::string line = fmt::format(R"({{"labels": [{}], "label_ids": [{}], "{}": [)",
                                   joined(prediction.label_ids, [&](int id) { return json_string(name(id)); }, ", "),
                                   joined(prediction.label_ids, number, ", "), scores_name(scores));
    for (std::size_t c = 0; c < prediction.scores.size(); ++c) line += (c > 0 ? ", " : "") + json_number(prediction.scores[c]);
    out << line << "]}\n";
  }
}

void write_value_predictions(std::ostream& out, const std::vector<float>& values, bool csv) {
  if (csv) out << "value\n";
  for (float value : values) out << (csv ? fmt::format("{}\n", value) : fmt::format("{{\"value\": {}}}\n", json_number(value)));
}

void write_predictions(std::ostream& out, const std::vector<Prediction>& predictions,
                       const std::vector<std::string>& class_names, bool csv, Scores scores) {
  for (const Prediction& prediction : predictions) check(prediction, class_names.size());
  if (csv) {
    write_csv(out, predictions, class_names, scores);
  } else {
    write_json_lines(out, predictions, class_names, scores);
  }
}

}  // namespace textclass::report
