#include "textclass/linear/analyzer.hpp"

#include <limits>

#include "textclass/error.hpp"
#include "textclass/linear/word_tokens.hpp"

namespace textclass::linear {

std::string_view token_kind_name(TokenKind kind) { return kind == TokenKind::word ? "word" : "wordpiece"; }

TokenKind parse_token_kind(std::string_view name) {
  if (name == "word") return TokenKind::word;
  if (name == "wordpiece") return TokenKind::wordpiece;
  throw Error("unknown token kind '" + std::string(name) + "': expected word or wordpiece");
}

Analyzer::Analyzer(const AnalyzerOptions& options, std::shared_ptr<const text::Tokenizer> tokenizer)
    : options_(options), tokenizer_(std::move(tokenizer)) {
  if (options.ngram_min < 1 || options.ngram_max < options.ngram_min) {
    throw Error("invalid n-gram range (" + std::to_string(options.ngram_min) + ", " +
                std::to_string(options.ngram_max) + "): expected 1 <= min <= max");
  }
  if (options.tokens == TokenKind::wordpiece && !tokenizer_) throw Error("wordpiece features need a tokenizer");
}

void Analyzer::analyze(std::string_view document, Terms& terms) const {
  terms.chars.clear();
  terms.ends.clear();
  const std::string lowered = options_.lowercase ? lowercase(document) : std::string();
  const std::string_view text = options_.lowercase ? std::string_view(lowered) : document;

  std::vector<std::string> pieces;  // wordpiece tokens own their text; word tokens are views of `text`
  std::vector<std::string_view> tokens;
  if (options_.tokens == TokenKind::word) {
    append_word_tokens(text, tokens);
  } else {
    pieces = tokenizer_->tokens(text, std::numeric_limits<std::size_t>::max());
    tokens.assign(pieces.begin(), pieces.end());
  }

  const auto n_tokens = static_cast<int>(tokens.size());
  for (int n = options_.ngram_min; n <= options_.ngram_max && n <= n_tokens; ++n) {
    for (int first = 0; first + n <= n_tokens; ++first) {
      for (int k = first; k < first + n; ++k) {
        if (k > first) terms.chars += ' ';
        terms.chars += tokens[static_cast<std::size_t>(k)];
      }
      terms.ends.push_back(static_cast<std::uint32_t>(terms.chars.size()));
    }
  }
}

}  // namespace textclass::linear
