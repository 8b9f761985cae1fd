#pragma once
// Helpers shared by the data tests: a scratch folder that cleans up after itself, and the message
// of the textclass::Error a call throws.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

#include "textclass/error.hpp"

namespace textclass::data::testing {

class ScratchDir {
 public:
  ScratchDir() {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::path(::testing::TempDir()) /
            ("textclass-data-" + std::to_string(getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~ScratchDir() { std::filesystem::remove_all(path_); }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

  // Writes `content` byte for byte to `name` inside the folder; returns the file's path.
  std::string write(const std::string& name, const std::string& content) const {
    const std::filesystem::path file = path_ / name;
    std::ofstream(file, std::ios::binary) << content;
    return file.string();
  }

 private:
  std::filesystem::path path_;
};

// The message of the textclass::Error that `call` throws; fails the test if it throws none.
template <class Call>
std::string error_message(Call&& call) {
  try {
    call();
  } catch (const textclass::Error& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected a textclass::Error";
  return "";
}

}  // namespace textclass::data::testing
