// The CUDA kernels may be launched as programmatic dependent launches (backend/cuda/kernel_launch.cuh):
// the GPU may then start a kernel's blocks before the kernel before it has finished. That is safe
// only if every kernel waits for it (await_earlier_kernels) before it touches memory, and only if
// every launch goes through launch(), which sets the attribute for all or none. Read from the
// sources, on any machine: a kernel added without the wait fails here, not as a rare race on a GPU.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

// The file's text with each // comment blanked (the comments here speak of <<<...>>> and kernels).
std::string code_of(const fs::path& path) {
  std::ifstream in(path);
  std::ostringstream code;
  for (std::string line; std::getline(in, line);) {
    const auto comment = line.find("//");
    if (comment != std::string::npos) line.erase(comment);
    code << line << '\n';
  }
  return code.str();
}

int line_at(const std::string& text, std::size_t offset) {
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
}

// "file:line: problem" for every kernel whose body does not start with the wait and every launch
// written as <<<...>>>, in code (the text with comments blanked).
std::vector<std::string> problems_in(const std::string& name, const std::string& code) {
  std::vector<std::string> problems;
  for (std::size_t at = code.find("__global__"); at != std::string::npos; at = code.find("__global__", at + 1)) {
    std::size_t body = code.find('{', at);
    if (body == std::string::npos) break;
    do body++;
    while (body < code.size() && std::isspace(static_cast<unsigned char>(code[body])));
    if (code.compare(body, 24, "await_earlier_kernels();") != 0)
      problems.push_back(name + ":" + std::to_string(line_at(code, at)) +
                         ": a kernel whose first statement is not await_earlier_kernels();");
  }
  for (std::size_t at = code.find("<<<"); at != std::string::npos; at = code.find("<<<", at + 3))
    problems.push_back(name + ":" + std::to_string(line_at(code, at)) + ": a <<<...>>> launch instead of launch()");
  return problems;
}

TEST(KernelLaunches, EveryKernelAwaitsTheOneBeforeItAndGoesThroughLaunch) {
  const fs::path folder = fs::path(TEXTCLASS_SOURCE_DIR) / "src/textclass/backend/cuda";
  int kernels = 0;
  std::vector<std::string> problems;
  for (const auto& entry : fs::directory_iterator(folder)) {
    const std::string extension = entry.path().extension().string();
    if (extension != ".cu" && extension != ".cuh") continue;
    const std::string code = code_of(entry.path());
    for (std::size_t at = code.find("__global__"); at != std::string::npos; at = code.find("__global__", at + 1))
      kernels++;
    for (const auto& problem : problems_in(entry.path().filename().string(), code)) problems.push_back(problem);
  }
  EXPECT_GE(kernels, 20) << "found too few kernels in " << folder << " to believe the search";
  for (const auto& problem : problems) ADD_FAILURE() << problem;
}

// The check itself, on made-up sources: it must see a kernel that reads first, one that waits
// after a declaration, and a <<<...>>> launch.
TEST(KernelLaunches, TheCheckFindsAKernelWithoutTheWaitAndAnOldLaunch) {
  EXPECT_TRUE(problems_in("good.cu", "__global__ void k(float* x) {\n  await_earlier_kernels();\n  x[0] = 1;\n}\n"
                                     "void run() { launch(k, Grid(1, 1, 0, s), x); }\n")
                  .empty());
  EXPECT_EQ(problems_in("bad.cu", "__global__ void k(float* x) {\n  x[0] = 1;\n}\n").size(), 1u);
  EXPECT_EQ(problems_in("late.cu", "__global__ void k(float* x) {\n  const int i = 0;\n  await_earlier_kernels();\n}\n")
                .size(),
            1u);
  const auto old = problems_in("old.cu", "void run() {\n  k<<<1, 1, 0, s>>>(x);\n}\n");
  ASSERT_EQ(old.size(), 1u);
  EXPECT_EQ(old[0], "old.cu:2: a <<<...>>> launch instead of launch()");
}

}  // namespace
