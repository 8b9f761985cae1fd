#pragma once
// Writing a result file so that readers never see half of it: the contents go to a temporary
// file in the same folder (so the rename stays on one file system), are flushed to disk, and
// then renamed over the destination. Should anything fail, the old file stays as it was.
#include <filesystem>
#include <string_view>

namespace textclass::report {

// Throws textclass::Error naming the path and the system's reason when the write fails.
void write_file_atomically(const std::filesystem::path& path, std::string_view contents);

}  // namespace textclass::report
