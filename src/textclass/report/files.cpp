#include "textclass/report/files.hpp"

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fmt/core.h>
#include <unistd.h>

#include "textclass/error.hpp"

namespace textclass::report {
namespace {

// ".metrics.json.<pid>.<n>.tmp" beside the destination: hidden, and unique between processes
// and threads writing to the same folder.
std::filesystem::path temporary_path_for(const std::filesystem::path& path) {
  static std::atomic<unsigned> counter{0};
  return path.parent_path() / fmt::format(".{}.{}.{}.tmp", path.filename().string(), ::getpid(), counter++);
}

Error write_error(const std::filesystem::path& path, int error_number) {
  return Error(fmt::format("cannot write {}: {}", path.string(), std::strerror(error_number)));
}

// Writes all of `contents` to `fd` and flushes it to disk; returns 0 or the errno of the failure.
int write_and_sync(int fd, std::string_view contents) {
  while (!contents.empty()) {
    const ssize_t written = ::write(fd, contents.data(), contents.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    contents.remove_prefix(static_cast<std::size_t>(written));
  }
  return ::fsync(fd) == 0 ? 0 : errno;
}

}  // namespace

void write_file_atomically(const std::filesystem::path& path, std::string_view contents) {
  const std::filesystem::path temporary = temporary_path_for(path);
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (fd < 0) throw write_error(path, errno);
  int failure = write_and_sync(fd, contents);
  if (::close(fd) != 0 && failure == 0) failure = errno;
  if (failure == 0 && ::rename(temporary.c_str(), path.c_str()) != 0) failure = errno;
  if (failure != 0) {
    ::unlink(temporary.c_str());
    throw write_error(path, failure);
  }
}

}  // namespace textclass::report
