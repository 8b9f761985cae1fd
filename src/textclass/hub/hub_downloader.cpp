#include "textclass/hub/hub_downloader.hpp"

#include <fmt/core.h>
#include <vector>

#include "textclass/data/http_download.hpp"
#include "textclass/error.hpp"
#include "textclass/hub/file_metadata.hpp"

namespace textclass::hub {
namespace {

constexpr const char* kRevision = "main";

}  // namespace

HubDownloader::HubDownloader(const HubSettings& settings, std::string repo_id, const RepoCache& cache)
    : settings_(settings), repo_id_(std::move(repo_id)), cache_(cache) {}

std::string HubDownloader::url(const std::string& file) const {
  return fmt::format("{}/{}/resolve/{}/{}", settings_.endpoint, repo_id_, commit_.value_or(kRevision), file);
}

void HubDownloader::pin(const std::string& commit) {
  if (commit_) return;
  commit_ = commit;
  cache_.set_ref(kRevision, commit);
}

bool HubDownloader::fetch(const std::string& file) {
  if (commit_) {  // already settled in this commit's snapshot: no request
    const CachedFile state = cache_.state(*commit_, file);
    if (state != CachedFile::unknown) return state == CachedFile::present;
  }
  const std::string file_url = url(file);
  const FileMetadata metadata = fetch_file_metadata(file_url, settings_.token);
  if (metadata.status == 401 || metadata.status == 403) {
    throw Error(fmt::format("HTTP {} for {}: {} is private, gated or does not exist; {}", metadata.status, file_url,
                            repo_id_,
                            settings_.token.empty() ? "set HF_TOKEN to a token that can read it"
                                                    : "the token in HF_TOKEN cannot read it"));
  }
  if (metadata.status == 404) {
    // The hub names the commit when the repository exists and only the file is missing.
    if (metadata.commit.empty()) {
      throw Error(fmt::format("HTTP 404 for {}: no model {} (or no revision {}) on the hub", file_url, repo_id_,
                              kRevision));
    }
    pin(metadata.commit);
    cache_.mark_absent(metadata.commit, file);
    return false;
  }
  if (metadata.status >= 400) throw Error(fmt::format("HTTP {} for {}", metadata.status, file_url));
  if (metadata.commit.empty() || metadata.etag.empty()) {
    throw Error(fmt::format("{}: the answer has no X-Repo-Commit or ETag header; is {} a HuggingFace hub?", file_url,
                            settings_.endpoint));
  }
  pin(metadata.commit);
  // A blob is named by its content's ETag: one that is there already needs no download.
  std::error_code ec;
  if (!std::filesystem::is_regular_file(cache_.blob(metadata.etag), ec)) {
    std::vector<std::string> headers;
    if (!settings_.token.empty()) headers.push_back("Authorization: Bearer " + settings_.token);
    data::http_download(url(file), cache_.blob(metadata.etag), headers);
  }
  cache_.link(metadata.commit, file, metadata.etag);
  return true;
}

}  // namespace textclass::hub
