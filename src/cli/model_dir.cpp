#include "cli/model_dir.hpp"

#include <vector>

#include "textclass/error.hpp"

namespace textclass::cli {

std::filesystem::path resolve_model_dir(const std::string& dir_or_name) {
  namespace fs = std::filesystem;
  const fs::path given(dir_or_name);
  if (fs::exists(given)) return given;
  std::vector<fs::path> candidates;
  if (given.is_relative() && !dir_or_name.empty()) {
    candidates.push_back(fs::path("data") / given);
    std::error_code error;
    const fs::path executable = fs::read_symlink("/proc/self/exe", error);
    if (!error) {
      candidates.push_back(executable.parent_path() / ".." / "data" / given);
      candidates.push_back(executable.parent_path() / ".." / ".." / "data" / given);
    }
  }
  std::string looked = given.string();
  for (const fs::path& candidate : candidates) {
    if (fs::exists(candidate)) return candidate.lexically_normal();
    looked += ", " + candidate.lexically_normal().string();
  }
  throw Error("model '" + dir_or_name + "' not found; looked in: " + looked);
}

}  // namespace textclass::cli
