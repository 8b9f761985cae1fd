#include "cli/model_dir.hpp"

#include <vector>

#include "textclass/error.hpp"
#include "textclass/hub/repo_id.hpp"

namespace textclass::cli {
namespace fs = std::filesystem;
namespace {

std::vector<fs::path> bundled_candidates(const std::string& name) {
  std::vector<fs::path> candidates = {fs::path("data") / name};
  std::error_code error;
  const fs::path executable = fs::read_symlink("/proc/self/exe", error);
  if (!error) {
    candidates.push_back(executable.parent_path() / ".." / "data" / name);
    candidates.push_back(executable.parent_path() / ".." / ".." / "data" / name);
  }
  return candidates;
}

}  // namespace

hub::ModelFiles resolve_model_files(const std::string& dir_or_name, hub::Need need) {
  const fs::path given(dir_or_name);
  std::error_code error;
  // A tokenizer.json or vocab.txt given as a file serves the tokenizer as it is.
  if (need == hub::Need::tokenizer_only && fs::is_regular_file(given, error)) return {given, "local file"};
  if (fs::exists(given, error) || dir_or_name.empty() || given.is_absolute()) {
    return hub::resolve_model(dir_or_name, need);
  }
  std::string looked = given.string();
  std::string tokenizer_only_folder;  // a bundled folder that cannot serve the weights
  for (const fs::path& candidate : bundled_candidates(dir_or_name)) {
    const fs::path folder = candidate.lexically_normal();
    looked += ", " + folder.string();
    if (!fs::is_directory(folder, error)) continue;
    const char* needed = need == hub::Need::weights ? "model.safetensors" : need == hub::Need::config ? "config.json" : "";
    if (need == hub::Need::tokenizer_only || fs::is_regular_file(folder / needed, error)) {
      return hub::resolve_model(folder.string(), need);
    }
    if (tokenizer_only_folder.empty()) tokenizer_only_folder = folder.string();
  }
  if (!hub::is_repo_id(dir_or_name)) throw Error("model '" + dir_or_name + "' not found; looked in: " + looked);
  try {
    return hub::resolve_model(dir_or_name, need);
  } catch (const Error& e) {
    std::string message = std::string(e.what()) + " (looked in: " + looked + ", then the hub";
    if (!tokenizer_only_folder.empty())
      message += "; " + tokenizer_only_folder + " holds its tokenizer only, no " + (need == hub::Need::config ? "config.json" : "weights");
    throw Error(message + ")");
  }
}

std::optional<fs::path> find_bundled(const std::string& relative) {
  std::error_code error;
  for (const fs::path& candidate : bundled_candidates(relative)) {
    if (fs::exists(candidate, error)) return candidate.lexically_normal();
  }
  return std::nullopt;
}

std::filesystem::path resolve_model_dir(const std::string& dir_or_name, hub::Need need) {
  return resolve_model_files(dir_or_name, need).dir;
}

}  // namespace textclass::cli
