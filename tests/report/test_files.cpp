// write_file_atomically: replaces the file whole, and a failure leaves what was there and no
// temporary files behind.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <sys/stat.h>

#include "report_test_support.hpp"
#include "textclass/report/files.hpp"

namespace textclass::report {
namespace {

using testing::error_message;
using testing::ScratchDir;

std::string read(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::size_t entries_in(const std::filesystem::path& folder) {
  return static_cast<std::size_t>(std::distance(std::filesystem::directory_iterator(folder), {}));
}

TEST(WriteFileAtomically, CreatesAndReplacesFiles) {
  ScratchDir dir;
  const auto path = dir.path() / "metrics.json";
  write_file_atomically(path, "first, longer contents\n");
  EXPECT_EQ(read(path), "first, longer contents\n");
  write_file_atomically(path, std::string("second\0binary", 13));
  EXPECT_EQ(read(path), std::string("second\0binary", 13));
  EXPECT_EQ(entries_in(dir.path()), 1u);  // no temporary file left over
}

TEST(WriteFileAtomically, FilesAreReadableByOthersAsWithAPlainWrite) {
  ScratchDir dir;
  const auto path = dir.path() / "report.md";
  write_file_atomically(path, "x");
  struct stat info {};
  ASSERT_EQ(::stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0666, 0666 & ~[] { const mode_t mask = ::umask(0); ::umask(mask); return mask; }());
}

TEST(WriteFileAtomically, FailedRenameKeepsTheOldContentsAndCleansUp) {
  ScratchDir dir;
  // A non-empty folder where the file should go: writing the temporary file works, renaming fails.
  const auto path = dir.path() / "metrics.json";
  std::filesystem::create_directory(path);
  dir.write("metrics.json/kept", "old");
  const std::string message = error_message([&] { write_file_atomically(path, "new"); });
  EXPECT_EQ(message.rfind("cannot write " + path.string() + ": ", 0), 0u) << message;
  EXPECT_EQ(read(path / "kept"), "old");
  EXPECT_EQ(entries_in(dir.path()), 1u);
}

TEST(WriteFileAtomically, MissingFolderIsAnError) {
  ScratchDir dir;
  const auto path = dir.path() / "no-such-folder" / "metrics.json";
  EXPECT_EQ(error_message([&] { write_file_atomically(path, "x"); }),
            "cannot write " + path.string() + ": No such file or directory");
}

}  // namespace
}  // namespace textclass::report
