// resolve_model(): a local folder as is, else a hub repository from the cache or the network.
#include <fmt/core.h>
#include <optional>

#include "textclass/error.hpp"
#include "textclass/hub/file_metadata.hpp"
#include "textclass/hub/hub_downloader.hpp"
#include "textclass/hub/model_files.hpp"
#include "textclass/hub/repo_cache.hpp"
#include "textclass/hub/repo_id.hpp"

namespace textclass::hub {
namespace fs = std::filesystem;
namespace {

constexpr const char* kRevision = "main";
constexpr const char* kWeightsOnly =
    "textclass reads weights from model.safetensors only; pytorch_model.bin is not supported";

std::string short_commit(const std::string& commit) { return commit.substr(0, 7); }

ModelFiles local_model(const std::string& path, Need need) {
  std::error_code ec;
  if (!fs::is_directory(path, ec)) throw Error(path + ": not a model folder");
  const std::string missing = first_missing(need, [&](const std::string& file) {
    return fs::is_regular_file(fs::path(path) / file, ec);
  });
  if (missing == "model.safetensors") throw Error(fmt::format("{}: no model.safetensors, so no weights ({})", path, kWeightsOnly));
  if (!missing.empty()) throw Error(fmt::format("{}: no {}", path, missing));
  return {path, "local folder"};
}

ModelFiles hub_model(const std::string& repo_id, Need need, const HubSettings& settings) {
  const RepoCache cache(settings.cache_dir, repo_id);
  const std::optional<std::string> cached = cache.commit_of(kRevision);
  std::string cached_missing = "the model";
  if (cached) {
    bool unsettled = false;  // a file neither in the snapshot nor known to be absent
    cached_missing = first_missing(need, [&](const std::string& file) {
      const CachedFile state = cache.state(*cached, file);
      unsettled |= state == CachedFile::unknown;
      return state == CachedFile::present;
    });
    // A complete snapshot needs no network; refs/main is refreshed when a file has to be fetched.
    if (cached_missing.empty() && (!unsettled || settings.offline)) {
      return {cache.snapshot(*cached), "hub cache, commit " + short_commit(*cached)};
    }
  }
  if (settings.offline) {
    throw Error(fmt::format("{}: {} is not in the hub cache {} and HF_HUB_OFFLINE is set, so it cannot be downloaded",
                            repo_id, cached_missing, cache.folder().string()));
  }
  HubDownloader downloader(settings, repo_id, cache);
  std::string missing;
  try {
    missing = first_missing(need, [&](const std::string& file) { return downloader.fetch(file); });
  } catch (const HubUnreachable& e) {
    if (!cached || !cached_missing.empty()) throw;
    return {cache.snapshot(*cached), fmt::format("hub cache, commit {}; the hub was unreachable", short_commit(*cached))};
  }
  if (!missing.empty()) {
    const std::string url = downloader.url(missing.substr(0, missing.find(' ')));
    throw Error(fmt::format("HTTP 404 for {}: {} has no {} on the hub{}", url, repo_id, missing,
                            missing == "model.safetensors" ? std::string("; ") + kWeightsOnly : ""));
  }
  return {cache.snapshot(*downloader.commit()),
          fmt::format("downloaded from {}, commit {}", settings.endpoint, short_commit(*downloader.commit()))};
}

}  // namespace

ModelFiles resolve_model(const std::string& name_or_path, Need need, const HubSettings& settings) {
  std::error_code ec;
  if (fs::exists(name_or_path, ec)) return local_model(name_or_path, need);
  if (!is_repo_id(name_or_path)) throw Error(name_or_path + ": no such model folder");
  return hub_model(name_or_path, need, settings);
}

}  // namespace textclass::hub
