#pragma once
// The errors the server answers with, in text-embeddings-inference's form: an HTTP status and the
// body {"error": message, "error_type": type}. TEI's types and their statuses:
//   validation 413 (empty inputs, input too long, client batch too large, body over the limit),
//   tokenizer 422, backend 424 (the model failed), overloaded 429, unhealthy 503;
// and as its HTTP framework answers a body it cannot read: JSON that does not parse 400, JSON
// of the wrong shape 422 (both typed "validation" here, so every error body has the same form).
#include <string>

#include <nlohmann/json.hpp>

#include "textclass/error.hpp"

namespace textclass::serve {

class ApiError : public Error {
 public:
  ApiError(int status, std::string type, const std::string& message)
      : Error(message), status_(status), type_(std::move(type)) {}

  int status() const { return status_; }
  const std::string& type() const { return type_; }
  nlohmann::json body() const { return {{"error", what()}, {"error_type", type_}}; }

 private:
  int status_;
  std::string type_;
};

inline ApiError validation_error(const std::string& message) { return {413, "validation", message}; }
inline ApiError tokenizer_error(const std::string& message) { return {422, "tokenizer", message}; }
inline ApiError backend_error(const std::string& message) { return {424, "backend", message}; }
inline ApiError overloaded_error() { return {429, "overloaded", "Model is overloaded"}; }
inline ApiError unparsable_json(const std::string& message) { return {400, "validation", message}; }
inline ApiError wrong_json_shape(const std::string& message) { return {422, "validation", message}; }

}  // namespace textclass::serve
