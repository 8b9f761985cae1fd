#include "textclass/model/text_file.hpp"

#include <filesystem>
#include <fstream>

#include "textclass/error.hpp"

namespace textclass::model {

void write_text_file(const std::string& path, const std::string& text) {
  const std::string temp_path = path + ".tmp";
  std::ofstream out(temp_path);
  out << text;
  out.close();
  std::error_code ec;
  if (out) std::filesystem::rename(temp_path, path, ec);
  if (!out || ec) {
    std::filesystem::remove(temp_path, ec);
    throw Error(path + ": cannot write");
  }
}

}  // namespace textclass::model
