#pragma once
// What the hub says about one file before it is downloaded: a HEAD request to
// {endpoint}/{repo}/resolve/{revision}/{file}, as huggingface_hub's get_hf_file_metadata makes it.
#include <string>

#include "textclass/error.hpp"

namespace textclass::hub {

// The hub could not be reached at all (no network, DNS, refused): a cached copy may still serve.
class HubUnreachable : public Error {
 public:
  using Error::Error;
};

struct FileMetadata {
  long status = 0;     // HTTP status of the last response
  std::string commit;  // X-Repo-Commit: the commit the revision resolved to
  std::string etag;    // X-Linked-Etag (LFS files: their sha256), else ETag; quotes and "W/" removed
};

// Follows relative redirects only (a renamed repository); an absolute one, which large files get
// to their storage host, is where the metadata is, so it stops there. `token` non-empty: sent as
// a Bearer token. Throws HubUnreachable naming the URL when the server cannot be reached.
FileMetadata fetch_file_metadata(const std::string& url, const std::string& token);

}  // namespace textclass::hub
