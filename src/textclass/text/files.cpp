#include "textclass/text/files.hpp"

#include <fstream>
#include <sstream>

#include "textclass/error.hpp"

namespace textclass::text {

std::string read_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw Error(file.string() + ": cannot open");
  std::ostringstream contents;
  contents << in.rdbuf();
  if (in.bad()) throw Error(file.string() + ": read failed");
  return std::move(contents).str();
}

nlohmann::json read_json_file(const std::filesystem::path& file) {
  const std::string text = read_file(file);
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {  // parse_error, or out_of_range for a number too large
    throw Error(file.string() + ": not valid JSON: " + e.what());
  }
}

}  // namespace textclass::text
