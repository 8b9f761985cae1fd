#pragma once
// Reading a whole input file into memory, checked: it must exist, hold something and be UTF-8.
#include <filesystem>
#include <string>

namespace textclass::data {

// The file's contents without a leading UTF-8 byte-order mark. `name` is how errors refer to the
// file (the path or URL the user gave, not the cache location). Throws textclass::Error for a
// missing or unreadable file, an empty one, or invalid UTF-8 (with the line and column).
std::string read_text_file(const std::filesystem::path& file, const std::string& name);

}  // namespace textclass::data
