#pragma once
// One HTTP(S) download to a file, with libcurl.
#include <filesystem>
#include <string>
#include <vector>

namespace textclass::data {

// Downloads `url` to `destination` atomically: the body goes to a temporary file beside it, which
// is renamed into place only once the transfer succeeded, so a crash or a failure never leaves a
// partial file where a complete one is expected. Shows a progress bar when stderr is a terminal.
// Throws textclass::Error with the HTTP status (or libcurl's reason) and the URL.
// `request_headers` ("Name: value") go with the request, e.g. the hub's "Authorization: Bearer ...";
// libcurl keeps an Authorization header from following a redirect to another host.
void http_download(const std::string& url, const std::filesystem::path& destination,
                   const std::vector<std::string>& request_headers = {});

}  // namespace textclass::data
