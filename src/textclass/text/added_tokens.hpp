#pragma once
// Added tokens ([CLS], [SEP], [MASK], <s>, ... and any a model adds) are matched in the text before
// the model sees it, so "[CLS] hi" gives [CLS] rather than [ ##CL ##S ]. As in tokenizers'
// AddedVocabulary, matches do not overlap, the leftmost wins, and of matches starting at the same
// place the longest; matching is on raw text, or on normalized text for tokens marked `normalized`.
// A token with single_word matches only where no word character (\w) touches it; lstrip and rstrip
// make a match take in the whitespace before or after it.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace textclass::text {

struct AddedToken {
  std::string content;
  std::int32_t id = -1;
  bool normalized = false;  // matched after normalization rather than before
  bool single_word = false;
  bool lstrip = false;
  bool rstrip = false;
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

  // Splits `text` (valid UTF-8) into pieces, appended to `pieces` (which it clears first).
  void split(std::string_view text, std::vector<TextPiece>& pieces) const;

  bool empty() const { return tokens_.empty(); }

 private:
  // A byte trie of the tokens' contents: node 0 is the root; `token` is the index of the token
  // that ends at a node, or -1.
  struct Node {
    std::vector<std::pair<unsigned char, std::int32_t>> children;
    std::int32_t token = -1;
  };
  // The longest token that starts at text[i] (its index, or -1) and its end.
  std::int32_t longest_match(std::string_view text, std::size_t i, std::size_t& end) const;

  std::vector<AddedToken> tokens_;
  std::vector<Node> nodes_;
  std::vector<std::int32_t> root_children_;  // by first byte, -1 if no token starts with it
};

}  // namespace textclass::text
