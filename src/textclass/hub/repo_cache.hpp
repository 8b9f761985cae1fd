#pragma once
// One repository's folder in the hub cache, in huggingface_hub's layout, so that either program
// finds what the other stored:
//   models--ORG--NAME/blobs/<etag>                    file contents, named by their ETag
//   models--ORG--NAME/snapshots/<commit>/<file>       -> ../../blobs/<etag> (a relative symlink)
//   models--ORG--NAME/refs/<revision>                 the commit a branch pointed at when fetched
//   models--ORG--NAME/.no_exist/<commit>/<file>       empty: the file is known to be absent
#include <filesystem>
#include <optional>
#include <string>

namespace textclass::hub {

enum class CachedFile { present, absent, unknown };

class RepoCache {
 public:
  RepoCache(const std::filesystem::path& cache_dir, const std::string& repo_id);

  const std::filesystem::path& folder() const { return folder_; }
  std::filesystem::path snapshot(const std::string& commit) const { return folder_ / "snapshots" / commit; }
  std::filesystem::path blob(const std::string& etag) const { return folder_ / "blobs" / etag; }

  // The commit refs/<revision> names; nothing when the revision was never fetched.
  std::optional<std::string> commit_of(const std::string& revision) const;
  CachedFile state(const std::string& commit, const std::string& file) const;

  void set_ref(const std::string& revision, const std::string& commit) const;
  // Makes snapshots/<commit>/<file> point at blobs/<etag> (a copy where symlinks fail).
  void link(const std::string& commit, const std::string& file, const std::string& etag) const;
  void mark_absent(const std::string& commit, const std::string& file) const;

 private:
  std::filesystem::path folder_;
};

}  // namespace textclass::hub
