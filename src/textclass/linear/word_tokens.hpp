#pragma once
// How sklearn's CountVectorizer/TfidfVectorizer split text into words by default:
// lowercase the text, then take every match of token_pattern r"(?u)\b\w\w+\b", i.e. every
// maximal run of two or more word characters. Python's \w (str.isalnum() or "_") is Unicode
// categories L* and N* plus "_"; combining marks (M*) are not word characters, so they split words.
#include <string>
#include <string_view>
#include <vector>

namespace textclass::linear {

// Python's str.lower() as far as text::append_lowercase goes (İ becomes "i" + U+0307); the one
// context-dependent rule, final sigma (Σ -> ς at the end of a word), is not applied.
// `text` must be valid UTF-8.
std::string lowercase(std::string_view text);

// Appends the pattern's matches in `text` (valid UTF-8), in order, as views into `text`.
void append_word_tokens(std::string_view text, std::vector<std::string_view>& tokens);

}  // namespace textclass::linear
