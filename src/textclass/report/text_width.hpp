#pragma once
// Padding text to a width counted in code points, as Python's str.format does, so that tables
// with non-ASCII class names stay aligned the way scikit-learn aligns them.
#include <algorithm>
#include <string>

namespace textclass::report {

inline std::size_t code_points(const std::string& text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

inline std::string right_aligned(const std::string& text, std::size_t width) {
  const std::size_t length = code_points(text);
  return std::string(width > length ? width - length : 0, ' ') + text;
}

inline std::string left_aligned(const std::string& text, std::size_t width) {
  const std::size_t length = code_points(text);
  return text + std::string(width > length ? width - length : 0, ' ');
}

}  // namespace textclass::report
