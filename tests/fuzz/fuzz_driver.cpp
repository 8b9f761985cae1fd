// Runs a libFuzzer-style target (LLVMFuzzerTestOneInput) without libFuzzer, so that every build
// (GCC included) runs its fuzz targets under whatever sanitizers it was built with:
//
//   fuzz_<name> CORPUS_DIR [--seconds S] [--seed N]   every seed, then mutations of them for S seconds
//   fuzz_<name> FILE...                                 each file once (a saved crash, say)
//
// Mutations are random and blind (no coverage feedback, unlike libFuzzer): bit flips, byte
// changes, insertions and deletions, copied ranges, splices of two seeds and bytes that parsers
// care about. The run is reproducible from its seed, which is printed. When a target throws or a
// sanitizer stops the process, the input is saved as ./crash-<name> first.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/common_interface_defs.h>
#endif

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

using Bytes = std::vector<std::uint8_t>;
namespace fs = std::filesystem;

std::string crash_path;  // where the input that stopped the run is saved
Bytes current;           // the input being run

void save_current() {
  std::ofstream out(crash_path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(current.data()), static_cast<std::streamsize>(current.size()));
  std::cerr << "input saved to " << crash_path << " (" << current.size() << " bytes)\n";
}

bool run_one(const Bytes& input) {
  current = input;
  try {
    LLVMFuzzerTestOneInput(current.data(), current.size());
    return true;
  } catch (const std::exception& e) {
    std::cerr << "the target threw: " << e.what() << "\n";
  } catch (...) {
    std::cerr << "the target threw something that is not a std::exception\n";
  }
  save_current();
  return false;
}

Bytes read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Bytes and strings that change what a CSV, JSON or UTF-8 reader does.
const std::vector<std::string> kTokens = {
    "\"", ",", "\n", "\r\n", "\t", "{", "}", "[", "]", ":", "\\", "\\u", "\\ud800", "null", "true",
    "1e999", "-0", "18446744073709551616", "\x00", "\xff", "\xc3", "\xe2\x82", "\xf0\x9f\x98\x80", " ",
    "[CLS]", "<s>", "</s>"};

class Mutator {
 public:
  Mutator(std::uint64_t seed, const std::vector<Bytes>& seeds) : rng_(seed), seeds_(seeds) {}

  Bytes next() {
    Bytes input = seeds_.empty() ? Bytes{} : seeds_[pick(seeds_.size())];
    const std::size_t rounds = 1 + pick(4);
    for (std::size_t r = 0; r < rounds; ++r) mutate(input);
    if (input.size() > kMaxSize) input.resize(kMaxSize);
    return input;
  }

 private:
  static constexpr std::size_t kMaxSize = 1 << 16;

  std::size_t pick(std::size_t n) { return n == 0 ? 0 : std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_); }
  std::uint8_t byte() { return static_cast<std::uint8_t>(pick(256)); }

  void mutate(Bytes& b) {
    const std::size_t at = pick(b.size() + 1);
    switch (pick(7)) {
      case 0:  // flip a bit
        if (!b.empty()) b[pick(b.size())] ^= static_cast<std::uint8_t>(1u << pick(8));
        break;
      case 1:  // change a byte
        if (!b.empty()) b[pick(b.size())] = byte();
        break;
      case 2: {  // insert random bytes
        const std::size_t n = 1 + pick(8);
        for (std::size_t i = 0; i < n; ++i) b.insert(b.begin() + static_cast<std::ptrdiff_t>(at), byte());
        break;
      }
      case 3: {  // delete a range
        const std::size_t n = std::min(b.size() - std::min(at, b.size()), 1 + pick(16));
        b.erase(b.begin() + static_cast<std::ptrdiff_t>(at), b.begin() + static_cast<std::ptrdiff_t>(at + n));
        break;
      }
      case 4: {  // copy a range elsewhere
        if (b.empty()) break;
        const std::size_t from = pick(b.size());
        const std::size_t n = 1 + pick(std::min<std::size_t>(b.size() - from, 64));
        const Bytes chunk(b.begin() + static_cast<std::ptrdiff_t>(from), b.begin() + static_cast<std::ptrdiff_t>(from + n));
        b.insert(b.begin() + static_cast<std::ptrdiff_t>(at), chunk.begin(), chunk.end());
        break;
      }
      case 5: {  // splice: this input's head, another seed's tail
        if (seeds_.empty()) break;
        const Bytes& other = seeds_[pick(seeds_.size())];
        const std::size_t tail = pick(other.size() + 1);
        b.resize(at);
        b.insert(b.end(), other.begin() + static_cast<std::ptrdiff_t>(tail), other.end());
        break;
      }
      default: {  // insert a token
        const std::string& t = kTokens[pick(kTokens.size())];
        const std::string token = t.empty() ? std::string(1, '\0') : t;
        b.insert(b.begin() + static_cast<std::ptrdiff_t>(at), token.begin(), token.end());
      }
    }
  }

  std::mt19937_64 rng_;
  const std::vector<Bytes>& seeds_;
};

int usage(const char* program) {
  std::cerr << "usage: " << program << " CORPUS_DIR [--seconds S] [--seed N]\n"
            << "       " << program << " FILE...\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return usage(argv[0]);
  crash_path = "crash-" + fs::path(argv[0]).filename().string();
#if defined(__SANITIZE_ADDRESS__)
  __sanitizer_set_death_callback(save_current);
#endif
  if (!fs::is_directory(argv[1])) {  // replay files
    for (int i = 1; i < argc; ++i) {
      if (!run_one(read_file(argv[i]))) return 1;
    }
    std::cout << "ran " << argc - 1 << " file(s)\n";
    return 0;
  }
  double seconds = 5;
  std::uint64_t seed = std::random_device{}();
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--seconds") seconds = std::stod(argv[i + 1]);
    else if (flag == "--seed") seed = std::stoull(argv[i + 1]);
    else return usage(argv[0]);
  }
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(argv[1])) {
    if (entry.is_regular_file()) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<Bytes> seeds;
  for (const auto& file : files) {
    seeds.push_back(read_file(file));
    if (!run_one(seeds.back())) {
      std::cerr << "seed " << file << " failed\n";
      return 1;
    }
  }
  std::cout << "seed " << seed << ": " << seeds.size() << " corpus file(s) ran\n";
  Mutator mutator(seed, seeds);
  const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  std::size_t runs = 0;
  while (std::chrono::steady_clock::now() < end) {
    if (!run_one(mutator.next())) {
      std::cerr << "failed at mutation " << runs << " of seed " << seed << "\n";
      return 1;
    }
    ++runs;
  }
  std::cout << runs << " mutations ran in " << seconds << " s\n";
  return 0;
}
