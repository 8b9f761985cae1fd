#pragma once
// A HuggingFace hub on 127.0.0.1 for the hub tests: it answers
//   {endpoint}/{repo}/resolve/{main|commit}/{file}
// as huggingface.co does: small files with an ETag and X-Repo-Commit; large ("LFS") files with a
// 302 to an absolute storage URL, the sha256-style X-Linked-Etag and X-Repo-Commit on the 302;
// a missing file with 404 + X-Repo-Commit; an unknown repository with 404 and no commit; and
// 401 when a token is required and the request lacks it. Every request is logged.
#include <gtest/gtest.h>
#include <httplib.h>

#include <cstdint>
#include <filesystem>
#include <fmt/core.h>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace textclass::hub::testing {

inline std::string read_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

struct FakeRepo {
  std::string commit;
  std::map<std::string, std::string> files;  // name -> contents
  std::set<std::string> large_files;         // served through the storage redirect
};

struct LoggedRequest {
  std::string method, path, authorization;
};

// ETags as the hub's stand in: a git-blob-like one for small files, a sha256-like one for large.
inline std::string small_etag(const std::string& contents) {
  std::uint64_t hash = 14695981039346656037ull;
  for (unsigned char c : contents) hash = (hash ^ c) * 1099511628211ull;
  return fmt::format("{:016x}", hash);
}
inline std::string large_etag(const std::string& contents) { return "5ha256" + small_etag(contents) + small_etag(contents + "!"); }

class FakeHub {
 public:
  FakeHub() {
    server_.Get(R"(/([^/]+(?:/[^/]+)?)/resolve/([^/]+)/([^/]+))",
                [this](const httplib::Request& request, httplib::Response& response) { resolve(request, response); });
    server_.Get(R"(/storage/([^/]+))", [this](const httplib::Request& request, httplib::Response& response) {
      log(request);
      std::lock_guard lock(mutex_);
      const auto blob = storage_.find(request.matches[1]);
      if (blob == storage_.end()) {
        response.status = 404;
        return;
      }
      response.set_header("ETag", "\"storage-etag-is-not-the-file-etag\"");
      response.set_content(blob->second, "application/octet-stream");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~FakeHub() {
    server_.stop();
    thread_.join();
  }

  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }

  void add_repo(const std::string& repo_id, FakeRepo repo) {
    std::lock_guard lock(mutex_);
    for (const std::string& large : repo.large_files) storage_[large_etag(repo.files.at(large))] = repo.files.at(large);
    repos_[repo_id] = std::move(repo);
  }
  void require_token(const std::string& token) {
    std::lock_guard lock(mutex_);
    required_token_ = token;
  }
  std::vector<LoggedRequest> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  std::size_t count(const std::string& method) const {
    std::size_t n = 0;
    for (const LoggedRequest& request : requests()) n += request.method == method;
    return n;
  }

 private:
  void log(const httplib::Request& request) {
    std::lock_guard lock(mutex_);
    requests_.push_back({request.method, request.path, request.get_header_value("Authorization")});
  }

  void resolve(const httplib::Request& request, httplib::Response& response) {
    log(request);
    std::lock_guard lock(mutex_);
    if (!required_token_.empty() && request.get_header_value("Authorization") != "Bearer " + required_token_) {
      response.status = 401;
      response.set_header("X-Error-Code", "RepoNotFound");
      return;
    }
    const auto repo = repos_.find(request.matches[1]);
    const std::string revision = request.matches[2], file = request.matches[3];
    if (repo == repos_.end() || (revision != "main" && revision != repo->second.commit)) {
      response.status = 404;
      response.set_header("X-Error-Code", "RepoNotFound");
      return;
    }
    response.set_header("X-Repo-Commit", repo->second.commit);
    const auto contents = repo->second.files.find(file);
    if (contents == repo->second.files.end()) {
      response.status = 404;
      response.set_header("X-Error-Code", "EntryNotFound");
      return;
    }
    if (repo->second.large_files.count(file)) {
      const std::string etag = large_etag(contents->second);
      response.status = 302;
      response.set_header("X-Linked-Etag", "\"" + etag + "\"");
      response.set_header("ETag", "\"" + small_etag("a pointer file") + "\"");
      response.set_header("Location", endpoint() + "/storage/" + etag);
      return;
    }
    response.set_header("ETag", "W/\"" + small_etag(contents->second) + "\"");
    response.set_content(contents->second, "application/octet-stream");
  }

  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  mutable std::mutex mutex_;
  std::map<std::string, FakeRepo> repos_;
  std::map<std::string, std::string> storage_;  // large etag -> contents
  std::string required_token_;
  std::vector<LoggedRequest> requests_;
};

}  // namespace textclass::hub::testing
