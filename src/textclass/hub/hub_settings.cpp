#include "textclass/hub/hub_settings.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "textclass/error.hpp"

namespace textclass::hub {
namespace {

std::string environment(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

// huggingface_hub's _is_true: the values it takes for "on".
bool is_true(std::string value) {
  std::transform(value.begin(), value.end(), value.begin(), [](unsigned char c) { return std::tolower(c); });
  return value == "1" || value == "true" || value == "yes" || value == "on";
}

std::filesystem::path default_cache_dir() {
  if (const std::string dir = environment("HF_HUB_CACHE"); !dir.empty()) return dir;
  if (const std::string home = environment("HF_HOME"); !home.empty()) return std::filesystem::path(home) / "hub";
  if (const std::string xdg = environment("XDG_CACHE_HOME"); !xdg.empty()) {
    return std::filesystem::path(xdg) / "huggingface" / "hub";
  }
  if (const std::string home = environment("HOME"); !home.empty()) {
    return std::filesystem::path(home) / ".cache" / "huggingface" / "hub";
  }
  throw Error("no HuggingFace cache folder: set HF_HUB_CACHE, HF_HOME or HOME");
}

}  // namespace

HubSettings HubSettings::from_environment() {
  HubSettings settings;
  if (std::string endpoint = environment("HF_ENDPOINT"); !endpoint.empty()) {
    while (endpoint.ends_with('/')) endpoint.pop_back();
    settings.endpoint = endpoint;
  }
  settings.token = environment("HF_TOKEN");
  settings.offline = is_true(environment("HF_HUB_OFFLINE"));
  settings.cache_dir = default_cache_dir();
  return settings;
}

}  // namespace textclass::hub
