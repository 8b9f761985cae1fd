// Tokenizer::encode_with_offsets: encode()'s pipeline again, each stage keeping where its pieces
// lie, as tokenizers does for its offsets:
//   added tokens: the bytes they matched in the text (or, for normalized ones, in the normalized text)
//   normalizer:   AlignedText, each normalized byte knowing its original character (aligned_normalizer.cpp)
//   words:        views into the normalized text (with ByteLevel's prefix space taking the range of
//                 the character it was put before, as tokenizers' prepend does)
//   model:        each id's bytes of its word (WordPiece, BPE), through the byte alphabet for ByteLevel
// then byte ranges of the text become character ranges and the post-processor may trim them.
#include <algorithm>

#include "textclass/text/aligned_text.hpp"
#include "textclass/text/byte_level.hpp"
#include "textclass/text/pre_tokenizer.hpp"
#include "textclass/text/tokenizer.hpp"
#include "textclass/text/unicode.hpp"

namespace textclass::text {
namespace {

// A token of the text before the template: its id, its bytes of the text, and the spaces (Ġ or
// whitespace characters) that start and end its string, which trim_offsets takes off.
struct TextToken {
  std::int32_t id;
  ByteRange bytes;
  std::size_t leading = 0, trailing = 0;
};

bool is_space_for_trim(char32_t cp) { return cp == 0x120 || is_whitespace(cp); }  // 0x120 is Ġ

void count_end_spaces(std::string_view value, TextToken& token) {
  std::vector<char32_t> chars;
  std::size_t i = 0;
  while (i < value.size()) chars.push_back(next_code_point(value, i));
  while (token.leading < chars.size() && is_space_for_trim(chars[token.leading])) ++token.leading;
  while (token.trailing < chars.size() && is_space_for_trim(chars[chars.size() - 1 - token.trailing])) ++token.trailing;
}

}  // namespace

std::optional<OffsetEncoding> Tokenizer::encode_with_offsets(std::string_view text, std::size_t max_length) const {
  check_max_length(max_length, false);
  require_valid_utf8(text);
  const std::size_t room = max_length - special_token_count(false);

  std::vector<TextToken> tokens;
  const auto push = [&](std::int32_t id, ByteRange bytes, std::string_view value) {
    TextToken token{id, bytes};
    if (trim_offsets_) count_end_spaces(value, token);
    tokens.push_back(token);
  };

  std::vector<std::int32_t> word_ids;
  std::vector<ByteRange> word_ranges;
  std::string byte_word;
  std::vector<std::size_t> byte_source;  // for each byte of byte_word, the byte of the word it writes
  // One word, a view into source.text; false once the text has its `room` tokens.
  const auto on_word = [&](const AlignedText& source, std::string_view word, bool byte_level) {
    const auto word_begin = static_cast<std::size_t>(word.data() - source.text.data());
    std::string_view input = word;
    if (byte_level) {
      const std::array<std::string, 256>& alphabet = byte_level_alphabet();
      byte_word.clear();
      byte_source.clear();
      for (std::size_t j = 0; j < word.size(); ++j) {
        const std::string& written = alphabet[static_cast<unsigned char>(word[j])];
        byte_word += written;
        byte_source.insert(byte_source.end(), written.size(), j);
      }
      input = byte_word;
    }
    word_ids.clear();
    word_ranges.clear();
    if (model_ == ModelKind::wordpiece) {
      wordpiece_.tokenize(input, word_ids, &word_ranges);
    } else {
      bpe_.tokenize(input, word_ids, word_ranges);
    }
    for (std::size_t k = 0; k < word_ids.size(); ++k) {
      ByteRange range = word_ranges[k];
      if (byte_level) range = {byte_source[range.begin], byte_source[range.end - 1] + 1};
      push(word_ids[k], source.original(word_begin + range.begin, word_begin + range.end), id_to_token(word_ids[k]));
    }
    return tokens.size() < room;
  };

  AlignedText prefixed;
  // A stretch of normalized text between added tokens, a view into source.text; false once full.
  const auto on_piece = [&](const AlignedText& source, std::string_view piece) {
    bool more = true;
    const auto word = [&](const AlignedText* words, bool byte_level) {
      return [&more, &on_word, words, byte_level](std::string_view w) { return more = on_word(*words, w, byte_level); };
    };
    switch (pre_tokenizer_.kind) {
      case PreTokenizerKind::none:
        return on_word(source, piece, false);
      case PreTokenizerKind::bert:
        for_each_word(piece, word(&source, false));
        return more;
      case PreTokenizerKind::byte_level: {
        const AlignedText* words = &source;
        if (pre_tokenizer_.add_prefix_space && !piece.starts_with(' ')) {
          // tokenizers' prepend: the space comes from the piece's first character.
          const auto begin = static_cast<std::size_t>(piece.data() - source.text.data());
          prefixed.text.assign(1, ' ');
          prefixed.text.append(piece);
          prefixed.origin.assign(1, source.origin[begin]);
          prefixed.origin.insert(prefixed.origin.end(), source.origin.begin() + static_cast<std::ptrdiff_t>(begin),
                                 source.origin.begin() + static_cast<std::ptrdiff_t>(begin + piece.size()));
          words = &prefixed;
          piece = prefixed.text;
        }
        if (pre_tokenizer_.use_regex) {
          for_each_gpt2_word(piece, word(words, true));
        } else {
          more = on_word(*words, piece, true);
        }
        return more;
      }
    }
    return more;
  };

  std::vector<TextPiece> pieces, normalized_pieces;
  AlignedText aligned;
  raw_added_tokens_.split(text, pieces);
  for (const TextPiece& piece : pieces) {
    if (tokens.size() >= room) break;
    const auto begin = static_cast<std::size_t>(piece.text.data() - text.data());
    if (piece.id >= 0) {
      push(piece.id, {begin, begin + piece.text.size()}, piece.text);
      continue;
    }
    aligned.assign(piece.text, begin);
    if (!normalizer_.normalize_aligned(aligned)) return std::nullopt;
    normalized_added_tokens_.split(aligned.text, normalized_pieces);
    for (const TextPiece& normalized : normalized_pieces) {
      if (tokens.size() >= room) break;
      if (normalized.id >= 0) {
        const auto at = static_cast<std::size_t>(normalized.text.data() - aligned.text.data());
        push(normalized.id, aligned.original(at, at + normalized.text.size()), normalized.text);
        continue;
      }
      if (!on_piece(aligned, normalized.text)) break;
    }
  }
  if (tokens.size() > room) tokens.resize(room);

  // tokenizers' BytesToCharOffsetConverter: a byte offset becomes the index of the character it
  // falls in, an end at the text's end the number of characters; a start at the end (an empty
  // token there) it leaves in bytes, and so does this.
  std::vector<std::size_t> char_of(text.size());
  for (std::size_t i = 0, n = 0; i < text.size(); ++n) {
    const std::size_t begin = i;
    next_code_point(text, i);
    std::fill(char_of.begin() + static_cast<std::ptrdiff_t>(begin), char_of.begin() + static_cast<std::ptrdiff_t>(i), n);
  }
  const auto to_chars = [&](ByteRange range) -> CharSpan {
    if (range.begin >= text.size()) return {range.begin, range.end};
    return {char_of[range.begin], range.end < text.size() ? char_of[range.end] : char_of.back() + 1};
  };

  std::vector<CharSpan> spans;
  spans.reserve(tokens.size());
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    CharSpan span = to_chars(tokens[i].bytes);
    // tokenizers' process_offsets (RobertaProcessing, ByteLevel), on character offsets.
    if (trim_offsets_) {
      std::size_t leading = tokens[i].leading;
      const std::size_t trailing = tokens[i].trailing;
      if (leading > 0) {
        const bool first = i == 0 || span.start == 0;
        if (first && trim_keeps_prefix_space_ && leading == 1) leading = 0;
        span.start = std::min(span.start + leading, span.stop);
      }
      if (trailing > 0 && span.stop >= trailing) span.stop = std::max(span.stop - trailing, span.start);
    }
    spans.push_back(span);
  }

  OffsetEncoding encoding;
  for (const TemplateToken& piece : single_) {
    if (piece.id >= 0) {
      encoding.ids.push_back(piece.id);
      encoding.spans.emplace_back(std::nullopt);
      continue;
    }
    if (piece.sequence != 0) continue;  // a single text has no sequence B
    for (std::size_t i = 0; i < tokens.size(); ++i) {
      encoding.ids.push_back(tokens[i].id);
      encoding.spans.emplace_back(spans[i]);
    }
  }
  return encoding;
}

}  // namespace textclass::text
