#pragma once
// Fetches files of one hub repository into its RepoCache, as huggingface_hub's hf_hub_download:
// a HEAD request for the commit and ETag, the body downloaded (atomically, with a progress bar)
// only when no blob has that ETag yet, then the snapshot link. The first answer pins the commit,
// so every later file comes from the same commit as the first.
#include <optional>
#include <string>

#include "textclass/hub/hub_settings.hpp"
#include "textclass/hub/repo_cache.hpp"

namespace textclass::hub {

class HubDownloader {
 public:
  HubDownloader(const HubSettings& settings, std::string repo_id, const RepoCache& cache);

  // Whether the repository has `file`; fetched into the cache when it has. A file the hub says
  // is absent is recorded under .no_exist. Throws textclass::Error with the HTTP status and URL
  // for a missing or unreadable repository and any other failed request.
  bool fetch(const std::string& file);

  // The commit fetched from; nothing before the first answer.
  const std::optional<std::string>& commit() const { return commit_; }
  std::string url(const std::string& file) const;  // at the pinned commit, else at main

 private:
  void pin(const std::string& commit);

  const HubSettings& settings_;
  std::string repo_id_;
  const RepoCache& cache_;
  std::optional<std::string> commit_;
};

}  // namespace textclass::hub
