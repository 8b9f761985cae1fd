#pragma once
// Added tokens ([CLS], [SEP], [MASK], ... and any a model adds) are matched in the text before
// WordPiece sees it, so "[CLS] hi" gives [CLS] rather than [ ##CL ##S ]. As in tokenizers'
// AddedVocabulary, the leftmost match wins, and of matches starting at the same place the
// longest; matching is on raw text, or on normalized text for tokens marked `normalized`.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace textclass::text {

struct AddedToken {
  std::string content;
  std::int32_t id = -1;
  bool normalized = false;  // matched after normalization rather than before
};

// A stretch of text: either an added token (id >= 0) or text to tokenize further (id -1).
struct TextPiece {
  std::string_view text;
  std::int32_t id = -1;
};

class AddedTokenMatcher {
 public:
  AddedTokenMatcher() = default;
  explicit AddedTokenMatcher(std::vector<AddedToken> tokens);

  // Splits `text` into pieces, appended to `pieces` (which it clears first).
  void split(std::string_view text, std::vector<TextPiece>& pieces) const;

  bool empty() const { return tokens_.empty(); }

 private:
  std::vector<AddedToken> tokens_;  // longest first, so the first match at a place is the longest
  std::array<bool, 256> starts_token_{};  // first bytes of the tokens, to skip all other bytes fast
};

}  // namespace textclass::text
