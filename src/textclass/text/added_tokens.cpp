#include "textclass/text/added_tokens.hpp"

#include <algorithm>

#include "textclass/text/unicode.hpp"

namespace textclass::text {
namespace {

// The code point that ends text[0, end) (valid UTF-8, end > 0).
char32_t code_point_before(std::string_view text, std::size_t end) {
  std::size_t begin = end - 1;
  while (begin > 0 && is_utf8_continuation_byte(text[begin])) --begin;
  return next_code_point(text, begin);
}

}  // namespace

AddedTokenMatcher::AddedTokenMatcher(std::vector<AddedToken> tokens) : tokens_(std::move(tokens)) {
  std::erase_if(tokens_, [](const AddedToken& token) { return token.content.empty(); });
  nodes_.emplace_back();
  root_children_.assign(256, -1);
  for (std::size_t t = 0; t < tokens_.size(); ++t) {
    std::int32_t node = 0;
    for (const char c : tokens_[t].content) {
      const auto byte = static_cast<unsigned char>(c);
      auto& children = nodes_[static_cast<std::size_t>(node)].children;
      const auto child = std::find_if(children.begin(), children.end(), [&](const auto& entry) { return entry.first == byte; });
      if (child != children.end()) {
        node = child->second;
        continue;
      }
      const auto created = static_cast<std::int32_t>(nodes_.size());
      children.emplace_back(byte, created);
      if (node == 0) root_children_[byte] = created;
      nodes_.emplace_back();
      node = created;
    }
    // Two tokens with the same content: the first one listed is the one matched.
    if (nodes_[static_cast<std::size_t>(node)].token < 0) nodes_[static_cast<std::size_t>(node)].token = static_cast<std::int32_t>(t);
  }
}

std::int32_t AddedTokenMatcher::longest_match(std::string_view text, std::size_t i, std::size_t& end) const {
  std::int32_t node = root_children_[static_cast<unsigned char>(text[i])];
  std::int32_t found = -1;
  std::size_t k = i + 1;
  while (node >= 0) {
    const Node& current = nodes_[static_cast<std::size_t>(node)];
    if (current.token >= 0) {
      found = current.token;
      end = k;
    }
    if (k == text.size()) break;
    const auto byte = static_cast<unsigned char>(text[k]);
    const auto child = std::find_if(current.children.begin(), current.children.end(),
                                    [&](const auto& entry) { return entry.first == byte; });
    node = child == current.children.end() ? -1 : child->second;
    ++k;
  }
  return found;
}

void AddedTokenMatcher::split(std::string_view text, std::vector<TextPiece>& pieces) const {
  pieces.clear();
  std::size_t piece_begin = 0;  // where the text not yet given out starts
  std::size_t i = 0;
  while (i < text.size()) {
    if (root_children_.empty() || root_children_[static_cast<unsigned char>(text[i])] < 0) {
      ++i;
      continue;
    }
    std::size_t stop = 0;
    const std::int32_t match = longest_match(text, i, stop);
    if (match < 0) {
      ++i;
      continue;
    }
    const AddedToken& token = tokens_[static_cast<std::size_t>(match)];
    std::size_t start = i;
    i = stop;  // matches never overlap: the search goes on after this one, taken or not
    if (token.single_word) {
      const bool word_before = start > 0 && is_word_char(code_point_before(text, start));
      std::size_t after = stop;
      const bool word_after = stop < text.size() && is_word_char(next_code_point(text, after));
      if (word_before || word_after) continue;
    }
    if (token.lstrip) {
      while (start > piece_begin && is_whitespace(code_point_before(text, start))) {
        do {
          --start;
        } while (is_utf8_continuation_byte(text[start]));
      }
    }
    if (token.rstrip) {
      while (stop < text.size()) {
        std::size_t next = stop;
        if (!is_whitespace(next_code_point(text, next))) break;
        stop = next;
      }
      i = stop;
    }
    if (start > piece_begin) pieces.push_back({text.substr(piece_begin, start - piece_begin), -1});
    pieces.push_back({text.substr(start, stop - start), token.id});
    piece_begin = stop;
  }
  if (text.size() > piece_begin) pieces.push_back({text.substr(piece_begin), -1});
}

}  // namespace textclass::text
