#include "textclass/hub/repo_cache.hpp"

#include <fmt/core.h>
#include <fstream>
#include <unistd.h>

#include "textclass/error.hpp"
#include "textclass/hub/repo_id.hpp"

namespace textclass::hub {
namespace fs = std::filesystem;
namespace {

void create_folder(const fs::path& folder) {
  std::error_code ec;
  fs::create_directories(folder, ec);
  if (ec) throw Error(fmt::format("{}: cannot create the hub cache folder: {}", folder.string(), ec.message()));
}

// Written beside and renamed, so a reader never sees half a ref.
void write_atomically(const fs::path& file, const std::string& contents) {
  create_folder(file.parent_path());
  fs::path temporary = file;
  temporary += fmt::format(".tmp-{}", static_cast<long>(getpid()));
  std::ofstream(temporary, std::ios::binary) << contents;
  std::error_code ec;
  fs::rename(temporary, file, ec);
  if (ec) {
    fs::remove(temporary, ec);
    throw Error(fmt::format("{}: cannot write to the hub cache", file.string()));
  }
}

}  // namespace

RepoCache::RepoCache(const fs::path& cache_dir, const std::string& repo_id)
    : folder_(cache_dir / repo_folder_name(repo_id)) {}

std::optional<std::string> RepoCache::commit_of(const std::string& revision) const {
  std::ifstream in(folder_ / "refs" / revision);
  std::string commit;
  if (!(in >> commit)) return std::nullopt;
  return commit;
}

CachedFile RepoCache::state(const std::string& commit, const std::string& file) const {
  std::error_code ec;
  if (fs::is_regular_file(snapshot(commit) / file, ec)) return CachedFile::present;  // follows the link
  if (fs::exists(folder_ / ".no_exist" / commit / file, ec)) return CachedFile::absent;
  return CachedFile::unknown;
}

void RepoCache::set_ref(const std::string& revision, const std::string& commit) const {
  if (commit_of(revision) != commit) write_atomically(folder_ / "refs" / revision, commit);
}

void RepoCache::link(const std::string& commit, const std::string& file, const std::string& etag) const {
  const fs::path link = snapshot(commit) / file;
  create_folder(link.parent_path());
  std::error_code ec;
  if (fs::is_regular_file(link, ec)) return;
  fs::remove(link, ec);  // a dangling link left by a deleted blob
  // Relative, as huggingface_hub makes it, so the cache folder can move.
  if (fs::create_symlink(blob(etag).lexically_relative(link.parent_path()), link, ec); !ec) return;
  if (fs::is_regular_file(link)) return;  // another process made it first
  fs::copy_file(blob(etag), link, fs::copy_options::overwrite_existing, ec);
  if (ec) throw Error(fmt::format("{}: cannot add the file to the hub cache: {}", link.string(), ec.message()));
}

void RepoCache::mark_absent(const std::string& commit, const std::string& file) const {
  const fs::path marker = folder_ / ".no_exist" / commit / file;
  create_folder(marker.parent_path());
  std::ofstream touch(marker);
}

}  // namespace textclass::hub
