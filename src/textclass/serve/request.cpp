#include "textclass/serve/request.hpp"

#include <fmt/core.h>

namespace textclass::serve {
namespace {

using nlohmann::json;

// nlohmann's messages start with "[json.exception.parse_error.101] "; the reader needs the rest.
std::string without_exception_id(const std::string& message) {
  const std::size_t end = message.find("] ");
  return message.starts_with("[json.exception.") && end != std::string::npos ? message.substr(end + 2) : message;
}

const char* type_name(const json& value) { return value.type_name(); }

const json& member(const json& body, const char* name) {
  const auto it = body.find(name);
  if (it == body.end()) throw wrong_json_shape(fmt::format("missing field `{}`", name));
  return *it;
}

bool optional_bool(const json& body, const char* name, bool fallback) {
  const auto it = body.find(name);
  if (it == body.end() || it->is_null()) return fallback;
  if (!it->is_boolean()) throw wrong_json_shape(fmt::format("`{}`: expected a boolean, found {}", name, type_name(*it)));
  return it->get<bool>();
}

std::string text_of(const json& value, const char* where) {
  if (!value.is_string()) throw wrong_json_shape(fmt::format("{}: expected a string, found {}", where, type_name(value)));
  return value.get<std::string>();
}

// ["a"] or ["a", "b"]: a text or a pair.
Sequence sequence_of(const json& items, const char* where) {
  if (items.empty() || items.size() > 2) {
    throw wrong_json_shape(fmt::format("{}: expected a string or a pair of strings, found an array of {}", where,
                                       items.size()));
  }
  Sequence sequence;
  for (const json& item : items) sequence.texts.push_back(text_of(item, where));
  return sequence;
}

void check_not_empty(const Sequence& sequence) {
  for (const std::string& text : sequence.texts) {
    if (!text.empty()) return;
  }
  throw validation_error("`inputs` cannot be empty");
}

void check_batch_size(std::size_t size, std::size_t max_client_batch_size) {
  if (size > max_client_batch_size) {
    throw validation_error(fmt::format("batch size {} > maximum allowed batch size {}", size, max_client_batch_size));
  }
}

const json& request_object(const json& body) {
  if (!body.is_object()) throw wrong_json_shape(fmt::format("expected a JSON object, found {}", type_name(body)));
  return body;
}

}  // namespace

nlohmann::json parse_json_body(std::string_view body) {
  const json::parser_callback_t limit_depth = [](int depth, json::parse_event_t event, json&) {
    if ((event == json::parse_event_t::object_start || event == json::parse_event_t::array_start) &&
        depth >= kMaxJsonDepth) {
      throw wrong_json_shape(fmt::format("JSON nested deeper than {} levels", kMaxJsonDepth));
    }
    return true;
  };
  try {
    return json::parse(body.begin(), body.end(), limit_depth);
  } catch (const json::exception& e) {  // a syntax error, or a number out of range ("1e999")
    throw unparsable_json("Failed to parse the request body as JSON: " + without_exception_id(e.what()));
  }
}

PredictRequest parse_predict_request(std::string_view body_text, std::size_t max_client_batch_size) {
  const json body = parse_json_body(body_text);
  const json& object = request_object(body);
  const json& inputs = member(object, "inputs");
  PredictRequest request;
  if (inputs.is_string()) {
    request.inputs.push_back({{inputs.get<std::string>()}});
  } else if (!inputs.is_array()) {
    throw wrong_json_shape(fmt::format("`inputs`: expected a string, a pair of strings or a batch, found {}",
                                       type_name(inputs)));
  } else if (inputs.empty()) {
    throw validation_error("`inputs` cannot be empty");
  } else if (inputs.front().is_string()) {  // ["a"] or ["a", "b"]: one text or one pair, as TEI reads them
    request.inputs.push_back(sequence_of(inputs, "`inputs`"));
  } else {  // [["a"], ["a", "b"], ...]
    check_batch_size(inputs.size(), max_client_batch_size);
    request.batch = true;
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      const std::string where = fmt::format("`inputs[{}]`", i);
      if (!inputs[i].is_array()) {
        throw wrong_json_shape(fmt::format("{}: expected an array of one or two strings, found {}", where,
                                           type_name(inputs[i])));
      }
      request.inputs.push_back(sequence_of(inputs[i], where.c_str()));
    }
  }
  for (const Sequence& sequence : request.inputs) check_not_empty(sequence);

  if (const auto it = object.find("truncate"); it != object.end() && !it->is_null()) {
    request.truncate = optional_bool(object, "truncate", false);
  }
  if (const auto it = object.find("truncation_direction"); it != object.end() && !it->is_null()) {
    const std::string direction = text_of(*it, "`truncation_direction`");
    // TEI's enum reads "Right"/"Left"; its documentation writes them lowercase: both are taken.
    if (direction == "right" || direction == "Right") {
      request.truncation_direction = TruncationDirection::right;
    } else if (direction == "left" || direction == "Left") {
      request.truncation_direction = TruncationDirection::left;
    } else {
      throw wrong_json_shape("`truncation_direction`: expected \"right\" or \"left\", found \"" + direction + "\"");
    }
  }
  request.raw_scores = optional_bool(object, "raw_scores", false);
  return request;
}

TokenizeRequest parse_tokenize_request(std::string_view body_text, std::size_t max_client_batch_size) {
  const json body = parse_json_body(body_text);
  const json& object = request_object(body);
  const json& inputs = member(object, "inputs");
  TokenizeRequest request;
  if (inputs.is_string()) {
    request.inputs.push_back(inputs.get<std::string>());
  } else if (inputs.is_array()) {
    if (inputs.empty()) throw validation_error("`inputs` cannot be empty");
    check_batch_size(inputs.size(), max_client_batch_size);
    request.batch = true;
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      request.inputs.push_back(text_of(inputs[i], fmt::format("`inputs[{}]`", i).c_str()));
    }
  } else {
    throw wrong_json_shape(fmt::format("`inputs`: expected a string or a list of strings, found {}", type_name(inputs)));
  }
  request.add_special_tokens = optional_bool(object, "add_special_tokens", true);
  return request;
}

}  // namespace textclass::serve
