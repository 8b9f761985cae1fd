#pragma once
// UTF-8 validation for input files. The data layer checks every file once, up front, so that a bad
// byte is reported with its file and line instead of surfacing later inside the tokenizer.
#include <cstddef>
#include <string_view>

namespace textclass::data {

// Offset of the first byte that does not belong to well-formed UTF-8 (overlong forms, surrogates
// and code points above U+10FFFF are ill-formed, as in Unicode's Table 3-7), or npos if none.
std::size_t find_invalid_utf8(std::string_view text);

}  // namespace textclass::data
