#pragma once
// Turns a document into the terms a TF-IDF vectorizer counts, as sklearn's analyzer="word":
// optional lowercasing, then tokens (sklearn's default token pattern, or the WordPiece tokens of a
// BERT tokenizer), then the word n-grams of those tokens joined by single spaces, all unigrams
// first, then all bigrams, and so on (sklearn's _word_ngrams order).
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "textclass/text/tokenizer.hpp"

namespace textclass::linear {

enum class TokenKind {
  word,       // sklearn's token_pattern r"(?u)\b\w\w+\b"
  wordpiece,  // text::Tokenizer::tokens, [CLS] and [SEP] included (a constant pair; harmless)
};

std::string_view token_kind_name(TokenKind kind);
TokenKind parse_token_kind(std::string_view name);  // throws Error for an unknown name

struct AnalyzerOptions {
  TokenKind tokens = TokenKind::word;
  std::string tokenizer;  // wordpiece: the tokenizer's folder or model name, as given; saved with the model
  bool lowercase = true;
  int ngram_min = 1, ngram_max = 2;  // sklearn's default is (1, 1); the baseline's anchor uses (1, 2)
};

// The terms of one document, packed: term i is chars[ends[i-1] .. ends[i]).
struct Terms {
  std::string chars;
  std::vector<std::uint32_t> ends;

  std::size_t size() const { return ends.size(); }
  std::string_view operator[](std::size_t i) const {
    const std::size_t begin = i == 0 ? 0 : ends[i - 1];
    return std::string_view(chars).substr(begin, ends[i] - begin);
  }
};

class Analyzer {
 public:
  // Throws Error for an n-gram range that is not 1 <= min <= max, or wordpiece without a tokenizer.
  Analyzer(const AnalyzerOptions& options, std::shared_ptr<const text::Tokenizer> tokenizer);

  // Replaces `terms` with the document's terms. `document` must be valid UTF-8. Const and
  // thread-safe.
  void analyze(std::string_view document, Terms& terms) const;

  const AnalyzerOptions& options() const { return options_; }

 private:
  AnalyzerOptions options_;
  std::shared_ptr<const text::Tokenizer> tokenizer_;
};

}  // namespace textclass::linear
