#include "textclass/text/added_tokens.hpp"

#include <algorithm>

namespace textclass::text {

AddedTokenMatcher::AddedTokenMatcher(std::vector<AddedToken> tokens) : tokens_(std::move(tokens)) {
  std::erase_if(tokens_, [](const AddedToken& token) { return token.content.empty(); });
  std::stable_sort(tokens_.begin(), tokens_.end(),
                   [](const AddedToken& a, const AddedToken& b) { return a.content.size() > b.content.size(); });
  for (const AddedToken& token : tokens_) starts_token_[static_cast<unsigned char>(token.content[0])] = true;
}

void AddedTokenMatcher::split(std::string_view text, std::vector<TextPiece>& pieces) const {
  pieces.clear();
  std::size_t piece_begin = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    if (!starts_token_[static_cast<unsigned char>(text[i])]) {
      ++i;
      continue;
    }
    const std::string_view rest = text.substr(i);
    const auto match = std::find_if(tokens_.begin(), tokens_.end(),
                                    [&](const AddedToken& token) { return rest.starts_with(token.content); });
    if (match == tokens_.end()) {
      ++i;
      continue;
    }
    if (i > piece_begin) pieces.push_back({text.substr(piece_begin, i - piece_begin), -1});
    pieces.push_back({text.substr(i, match->content.size()), match->id});
    i += match->content.size();
    piece_begin = i;
  }
  if (text.size() > piece_begin) pieces.push_back({text.substr(piece_begin), -1});
}

}  // namespace textclass::text
