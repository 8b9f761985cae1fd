#include "textclass/data/http_download.hpp"

#include <atomic>
#include <cstdio>
#include <curl/curl.h>
#include <fmt/core.h>
#include <memory>
#include <mutex>
#include <unistd.h>

#include "textclass/data/progress_bar.hpp"
#include "textclass/error.hpp"

namespace textclass::data {
namespace {

void init_curl_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// Unique per process and per call, so concurrent downloads of one URL never share a temp file.
std::filesystem::path temporary_beside(const std::filesystem::path& destination) {
  static std::atomic<unsigned> counter{0};
  std::filesystem::path temporary = destination;
  temporary += fmt::format(".part-{}-{}", static_cast<long>(getpid()), counter++);
  return temporary;
}

std::size_t write_to_file(char* data, std::size_t size, std::size_t count, void* file) {
  return std::fwrite(data, size, count, static_cast<std::FILE*>(file)) * size;
}

int report_progress(void* bar, curl_off_t total, curl_off_t done, curl_off_t, curl_off_t) {
  static_cast<ProgressBar*>(bar)->update(static_cast<std::uint64_t>(done), static_cast<std::uint64_t>(total));
  return 0;
}

struct CurlDeleter {
  void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
};
struct HeaderListDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};

}  // namespace

void http_download(const std::string& url, const std::filesystem::path& destination,
                   const std::vector<std::string>& request_headers) {
  init_curl_once();
  std::error_code ec;
  std::filesystem::create_directories(destination.parent_path(), ec);
  if (ec) throw Error(fmt::format("{}: cannot create the cache folder: {}", destination.parent_path().string(), ec.message()));
  const std::filesystem::path temporary = temporary_beside(destination);
  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (!curl) throw Error("download failed: cannot start libcurl for " + url);
  std::unique_ptr<curl_slist, HeaderListDeleter> headers;
  for (const std::string& header : request_headers) {
    curl_slist* appended = curl_slist_append(headers.get(), header.c_str());
    if (!appended) throw Error("download failed: out of memory for the request headers of " + url);
    headers.release();
    headers.reset(appended);
  }
  std::unique_ptr<std::FILE, FileCloser> file(std::fopen(temporary.c_str(), "wb"));
  if (!file) throw Error(fmt::format("{}: cannot write to the cache folder", temporary.string()));

  ProgressBar bar(url.substr(url.find_last_of('/') + 1));
  char curl_message[CURL_ERROR_SIZE] = "";
  curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl.get(), CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl.get(), CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(curl.get(), CURLOPT_USERAGENT, "textclass");
  curl_easy_setopt(curl.get(), CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(curl.get(), CURLOPT_CONNECTTIMEOUT, 30L);
  // A stalled transfer (under 1 byte/s for a minute) fails rather than hanging the program.
  curl_easy_setopt(curl.get(), CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(curl.get(), CURLOPT_LOW_SPEED_TIME, 60L);
  curl_easy_setopt(curl.get(), CURLOPT_ERRORBUFFER, curl_message);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, write_to_file);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, file.get());
  curl_easy_setopt(curl.get(), CURLOPT_NOPROGRESS, bar.enabled() ? 0L : 1L);
  curl_easy_setopt(curl.get(), CURLOPT_XFERINFOFUNCTION, report_progress);
  curl_easy_setopt(curl.get(), CURLOPT_XFERINFODATA, &bar);

  const CURLcode result = curl_easy_perform(curl.get());
  long status = 0;
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &status);
  const bool closed = std::fclose(file.release()) == 0;
  bar.finish();

  std::string failure;
  if (result != CURLE_OK) {
    failure = fmt::format("download failed: {} ({})", url, *curl_message ? curl_message : curl_easy_strerror(result));
  } else if (status >= 400) {
    failure = fmt::format("download failed: HTTP {} for {}", status, url);
  } else if (!closed) {
    failure = fmt::format("download failed: cannot finish writing {}", temporary.string());
  }
  if (failure.empty()) std::filesystem::rename(temporary, destination, ec);
  if (!failure.empty() || ec) {
    std::filesystem::remove(temporary, ec);
    throw Error(failure.empty() ? fmt::format("{}: cannot move the download into place", destination.string()) : failure);
  }
}

}  // namespace textclass::data
