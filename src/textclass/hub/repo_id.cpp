#include "textclass/hub/repo_id.hpp"

#include <cctype>

namespace textclass::hub {
namespace {

bool is_valid_part(std::string_view part) {
  if (part.empty()) return false;
  if (part.front() == '-' || part.front() == '.' || part.back() == '-' || part.back() == '.') return false;
  for (char c : part) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') return false;
  }
  return true;
}

}  // namespace

bool is_repo_id(std::string_view name) {
  if (name.empty() || name.size() > 96) return false;
  if (name.find("--") != std::string_view::npos || name.find("..") != std::string_view::npos) return false;
  const std::size_t slash = name.find('/');
  if (slash == std::string_view::npos) return is_valid_part(name);
  return is_valid_part(name.substr(0, slash)) && is_valid_part(name.substr(slash + 1));
}

std::string repo_folder_name(std::string_view repo_id) {
  std::string folder = "models";
  std::size_t begin = 0;
  while (true) {
    const std::size_t slash = repo_id.find('/', begin);
    folder += "--";
    folder += repo_id.substr(begin, slash == std::string_view::npos ? std::string_view::npos : slash - begin);
    if (slash == std::string_view::npos) return folder;
    begin = slash + 1;
  }
}

}  // namespace textclass::hub
