#pragma once
// WordPiece (tokenizers' models::WordPiece): split one word into the longest vocabulary token
// that starts it, then repeatedly the longest "##"-continuation token that starts the rest:
//   "unaffable" -> un ##af ##fa ##ble.
// A word that cannot be covered this way becomes a single [UNK], and so does any word longer
// than max_input_chars_per_word (100) characters, even one that could be covered.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "textclass/text/byte_range.hpp"
#include "textclass/text/token_table.hpp"

namespace textclass::text {

struct WordPieceOptions {
  std::string unk_token = "[UNK]";
  std::string continuing_subword_prefix = "##";
  std::size_t max_input_chars_per_word = 100;
};

class WordPiece {
 public:
  WordPiece() = default;
  // `vocab` maps token text to id; `source` names its file for errors (a vocabulary without the
  // unknown token is an Error).
  WordPiece(const TokenEntries& vocab, WordPieceOptions options, const std::string& source);

  // Appends the ids of `word`'s pieces to `ids` and, if `ranges` is given, each piece's bytes of
  // `word` to it ("##" not counted; an [UNK] covers the whole word), as tokenizers' offsets.
  void tokenize(std::string_view word, std::vector<std::int32_t>& ids, std::vector<ByteRange>* ranges = nullptr) const;

  std::int32_t unk_id() const { return unk_id_; }
  std::int32_t find(std::string_view token) const { return whole_.find(token); }  // -1 if absent

 private:
  // The longest prefix of `text` that `table` holds, ending on a character boundary: its id and
  // length in bytes, or id -1 when there is none.
  static std::pair<std::int32_t, std::size_t> longest_prefix(const TokenTable& table, std::string_view text);

  TokenTable whole_;          // every token, for the first piece of a word
  TokenTable continuations_;  // tokens that start with the prefix, stored without it
  std::int32_t unk_id_ = -1;
  std::size_t max_input_chars_per_word_ = 100;
};

}  // namespace textclass::text
