#pragma once
// The bodies of POST /predict and POST /tokenize, parsed as text-embeddings-inference reads them.
// Pure functions of the body text (no model, no I/O), so that unit tests and the fuzz target call
// them directly. Every problem is an ApiError with TEI's status.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "textclass/serve/api_error.hpp"

namespace textclass::serve {

// One input of a request: a text, or a sentence pair (two texts).
struct Sequence {
  std::vector<std::string> texts;  // 1 or 2

  bool is_pair() const { return texts.size() == 2; }
};

enum class TruncationDirection { right, left };

struct PredictRequest {
  // "inputs": a string or ["a"] (one text), ["a", "b"] (one pair), or [["a"], ["a", "b"], ...]
  // (a batch, answered with one list of predictions per item).
  std::vector<Sequence> inputs;
  bool batch = false;
  std::optional<bool> truncate;  // unset: the server's --auto-truncate
  TruncationDirection truncation_direction = TruncationDirection::right;
  bool raw_scores = false;
};

struct TokenizeRequest {
  std::vector<std::string> inputs;  // "inputs": a string or a list of strings
  bool batch = false;
  bool add_special_tokens = true;
};

// The deepest nesting of arrays and objects a body may have; deeper bodies are refused before
// they are built (no request of this API nests more than three levels).
inline constexpr int kMaxJsonDepth = 16;

// The body as JSON: 400 when it does not parse (invalid UTF-8 included), 422 when it nests
// deeper than kMaxJsonDepth.
nlohmann::json parse_json_body(std::string_view body);

// 400/422 as parse_json_body, 422 for a wrong shape or type, 413 for empty inputs or a batch of
// more than max_client_batch_size.
PredictRequest parse_predict_request(std::string_view body, std::size_t max_client_batch_size);
TokenizeRequest parse_tokenize_request(std::string_view body, std::size_t max_client_batch_size);

}  // namespace textclass::serve
