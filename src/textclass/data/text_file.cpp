#include "textclass/data/text_file.hpp"

#include <algorithm>
#include <fmt/core.h>
#include <fstream>
#include <sstream>

#include "textclass/data/utf8.hpp"
#include "textclass/error.hpp"

namespace textclass::data {

std::string read_text_file(const std::filesystem::path& file, const std::string& name) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) throw Error(name + ": no such file");
  std::ifstream in(file, std::ios::binary);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (!in) throw Error(name + ": cannot read the file");
  std::string text = std::move(buffer).str();

  if (text.starts_with("\xEF\xBB\xBF")) text.erase(0, 3);
  if (std::all_of(text.begin(), text.end(), [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; })) {
    throw error_at(name, 1, "empty file");
  }
  const std::size_t bad = find_invalid_utf8(text);
  if (bad != std::string::npos) {
    const std::size_t newline_before = bad == 0 ? std::string::npos : text.rfind('\n', bad - 1);
    const std::size_t column = newline_before == std::string::npos ? bad + 1 : bad - newline_before;
    const auto line = 1 + std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(bad), '\n');
    throw error_at(name, static_cast<std::size_t>(line),
                   fmt::format("invalid UTF-8 (byte 0x{:02X} at column {})", static_cast<unsigned char>(text[bad]), column));
  }
  return text;
}

}  // namespace textclass::data
