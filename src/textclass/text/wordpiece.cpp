#include "textclass/text/wordpiece.hpp"

#include <algorithm>

#include "textclass/error.hpp"
#include "textclass/text/unicode.hpp"

namespace textclass::text {

WordPiece::WordPiece(const TokenEntries& vocab, WordPieceOptions options, const std::string& source)
    : whole_(vocab), max_input_chars_per_word_(options.max_input_chars_per_word) {
  const std::string& prefix = options.continuing_subword_prefix;
  TokenEntries continuations;
  for (const auto& [token, id] : vocab) {
    if (token.size() > prefix.size() && token.starts_with(prefix)) {
      continuations.emplace_back(token.substr(prefix.size()), id);
    }
  }
  continuations_ = TokenTable(continuations);
  unk_id_ = whole_.find(options.unk_token);
  if (unk_id_ < 0) {
    throw Error(source + ": the vocabulary has no " + options.unk_token + " token (WordPiece's unknown token)");
  }
}

std::pair<std::int32_t, std::size_t> WordPiece::longest_prefix(const TokenTable& table, std::string_view text) {
  // No token is longer than the table's longest, so start there rather than at the whole text.
  std::size_t end = std::min(text.size(), table.longest_token_bytes());
  while (end < text.size() && is_utf8_continuation_byte(text[end])) --end;
  while (end > 0) {
    const std::int32_t id = table.find(text.substr(0, end));
    if (id >= 0) return {id, end};
    do {
      --end;
    } while (end > 0 && is_utf8_continuation_byte(text[end]));
  }
  return {-1, 0};
}

void WordPiece::tokenize(std::string_view word, std::vector<std::int32_t>& ids, std::vector<ByteRange>* ranges) const {
  // HF counts characters, not bytes, and gives up on long words before trying to split them:
  // a 101-letter word is one [UNK] although "a ##aa ##aa ..." would cover it.
  if (word.size() > max_input_chars_per_word_) {
    const auto chars = static_cast<std::size_t>(
        std::count_if(word.begin(), word.end(), [](char c) { return !is_utf8_continuation_byte(c); }));
    if (chars > max_input_chars_per_word_) {
      ids.push_back(unk_id_);
      if (ranges != nullptr) ranges->push_back({0, word.size()});
      return;
    }
  }
  const std::size_t first_piece = ids.size();
  const std::size_t first_range = ranges != nullptr ? ranges->size() : 0;
  std::size_t start = 0;
  while (start < word.size()) {
    const auto [id, length] = longest_prefix(start == 0 ? whole_ : continuations_, word.substr(start));
    if (id < 0) {
      // One piece missing makes the whole word unknown, not just that piece.
      ids.resize(first_piece);
      ids.push_back(unk_id_);
      if (ranges != nullptr) {
        ranges->resize(first_range);
        ranges->push_back({0, word.size()});
      }
      return;
    }
    ids.push_back(id);
    if (ranges != nullptr) ranges->push_back({start, start + length});
    start += length;
  }
}

}  // namespace textclass::text
