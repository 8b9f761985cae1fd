#include "textclass/data/fetch.hpp"

#include <cstdint>
#include <cstdlib>
#include <fmt/core.h>

#include "textclass/data/http_download.hpp"
#include "textclass/error.hpp"

namespace textclass::data {
namespace {

// FNV-1a: a stable hash of the URL (std::hash may differ between builds), so that two URLs ending
// in the same file name get different cache entries.
std::uint64_t fnv1a(std::string_view s) {
  std::uint64_t hash = 14695981039346656037ull;
  for (unsigned char c : s) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return hash;
}

// "<hash>-<last path segment>", the segment reduced to characters safe in any file system.
std::string cache_file_name(const std::string& url) {
  std::string_view path = url;
  path = path.substr(0, path.find_first_of("?#"));
  std::string_view last = path.substr(path.find_last_of('/') + 1);
  std::string safe;
  for (char c : last) {
    const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                      c == '-' || c == '_';
    safe += keep ? c : '_';
  }
  if (safe.empty()) safe = "download";
  return fmt::format("{:016x}-{}", fnv1a(url), safe);
}

}  // namespace

bool is_url(std::string_view path_or_url) {
  return path_or_url.starts_with("http://") || path_or_url.starts_with("https://");
}

std::filesystem::path default_cache_dir() {
  if (const char* dir = std::getenv("TEXTCLASS_CACHE"); dir && *dir) return dir;
  if (const char* dir = std::getenv("XDG_CACHE_HOME"); dir && *dir) return std::filesystem::path(dir) / "textclass";
  if (const char* home = std::getenv("HOME"); home && *home) return std::filesystem::path(home) / ".cache" / "textclass";
  throw Error("no cache folder: set TEXTCLASS_CACHE, XDG_CACHE_HOME or HOME");
}

std::filesystem::path fetch(const std::string& path_or_url, const std::filesystem::path& cache_dir) {
  if (!is_url(path_or_url)) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path_or_url, ec)) throw Error(path_or_url + ": no such file");
    return path_or_url;
  }
  const std::filesystem::path cached =
      (cache_dir.empty() ? default_cache_dir() : cache_dir) / "downloads" / cache_file_name(path_or_url);
  std::error_code ec;
  if (!std::filesystem::is_regular_file(cached, ec)) http_download(path_or_url, cached);
  return cached;
}

std::string sibling(const std::string& path_or_url, const std::string& file_name) {
  if (is_url(path_or_url)) {
    const std::string_view without_query = std::string_view(path_or_url).substr(0, path_or_url.find_first_of("?#"));
    return std::string(without_query.substr(0, without_query.find_last_of('/') + 1)) + file_name;
  }
  return (std::filesystem::path(path_or_url).parent_path() / file_name).string();
}

}  // namespace textclass::data
