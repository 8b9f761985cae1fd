#include "textclass/hub/file_metadata.hpp"

#include <algorithm>
#include <cctype>
#include <curl/curl.h>
#include <fmt/core.h>
#include <map>
#include <memory>

namespace textclass::hub {
namespace {

struct CurlDeleter {
  void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
};
struct HeaderListDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

using Headers = std::map<std::string, std::string>;  // lower-case names

std::string trim(std::string_view s) {
  const std::size_t begin = s.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) return "";
  return std::string(s.substr(begin, s.find_last_not_of(" \t\r\n") - begin + 1));
}

std::size_t collect_header(char* data, std::size_t size, std::size_t count, void* headers_ptr) {
  const std::string_view line(data, size * count);
  const std::size_t colon = line.find(':');
  if (colon != std::string_view::npos) {
    std::string name(line.substr(0, colon));
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    (*static_cast<Headers*>(headers_ptr))[name] = trim(line.substr(colon + 1));
  }
  return size * count;
}

// huggingface_hub's _normalize_etag: a weak validator's "W/" and the quotes go.
std::string normalize_etag(std::string etag) {
  if (etag.starts_with("W/")) etag.erase(0, 2);
  std::erase(etag, '"');
  return etag;
}

// "scheme://host" of an absolute URL, to resolve a relative redirect against.
std::string origin_of(const std::string& url) {
  const std::size_t host = url.find("://");
  return url.substr(0, url.find('/', host == std::string::npos ? 0 : host + 3));
}

Headers head(const std::string& url, const std::string& token, long& status) {
  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (!curl) throw Error("cannot start libcurl for " + url);
  std::unique_ptr<curl_slist, HeaderListDeleter> request_headers;
  if (!token.empty()) request_headers.reset(curl_slist_append(nullptr, ("Authorization: Bearer " + token).c_str()));
  Headers headers;
  char curl_message[CURL_ERROR_SIZE] = "";
  curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl.get(), CURLOPT_NOBODY, 1L);
  curl_easy_setopt(curl.get(), CURLOPT_USERAGENT, "textclass");
  curl_easy_setopt(curl.get(), CURLOPT_HTTPHEADER, request_headers.get());
  curl_easy_setopt(curl.get(), CURLOPT_CONNECTTIMEOUT, 30L);
  curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT, 60L);
  curl_easy_setopt(curl.get(), CURLOPT_ERRORBUFFER, curl_message);
  curl_easy_setopt(curl.get(), CURLOPT_HEADERFUNCTION, collect_header);
  curl_easy_setopt(curl.get(), CURLOPT_HEADERDATA, &headers);
  const CURLcode result = curl_easy_perform(curl.get());
  if (result != CURLE_OK) {
    throw HubUnreachable(fmt::format("cannot reach {} ({})", url, *curl_message ? curl_message : curl_easy_strerror(result)));
  }
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &status);
  return headers;
}

}  // namespace

FileMetadata fetch_file_metadata(const std::string& url, const std::string& token) {
  static const bool curl_ready = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
  if (!curl_ready) throw Error("cannot start libcurl for " + url);
  std::string current = url;
  for (int redirects = 0;; ++redirects) {
    FileMetadata metadata;
    const Headers headers = head(current, token, metadata.status);
    const auto location = headers.find("location");
    const bool relative_redirect = metadata.status >= 300 && metadata.status < 400 && location != headers.end() &&
                                   location->second.starts_with('/');
    if (relative_redirect && redirects < 10) {
      current = origin_of(current) + location->second;
      continue;
    }
    if (auto commit = headers.find("x-repo-commit"); commit != headers.end()) metadata.commit = commit->second;
    auto etag = headers.find("x-linked-etag");
    if (etag == headers.end()) etag = headers.find("etag");
    if (etag != headers.end()) metadata.etag = normalize_etag(etag->second);
    return metadata;
  }
}

}  // namespace textclass::hub
