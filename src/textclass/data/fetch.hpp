#pragma once
// Inputs are local paths or http(s) URLs. A URL is downloaded once into a cache folder and read
// from there afterwards.
#include <filesystem>
#include <string>
#include <string_view>

namespace textclass::data {

bool is_url(std::string_view path_or_url);

// $TEXTCLASS_CACHE, else $XDG_CACHE_HOME/textclass, else ~/.cache/textclass.
std::filesystem::path default_cache_dir();

// A local path is returned as is. A URL is looked up in cache_dir/downloads (cache_dir empty:
// default_cache_dir()) and downloaded there when missing; the cached file is returned. Throws
// textclass::Error for a missing local file or a failed download (HTTP status and URL).
std::filesystem::path fetch(const std::string& path_or_url, const std::filesystem::path& cache_dir = {});

// The file called `file_name` in the same folder as `path_or_url` (a path or a URL's folder),
// e.g. the classes.txt beside an AG News train.csv.
std::string sibling(const std::string& path_or_url, const std::string& file_name);

}  // namespace textclass::data
