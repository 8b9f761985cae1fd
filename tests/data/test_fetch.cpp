// URL inputs: download through a local cpp-httplib server, the cache, the atomic write, failures.
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "test_support.hpp"
#include "textclass/data/dataset.hpp"
#include "textclass/data/fetch.hpp"

namespace textclass::data {
namespace {

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string> files_in(const std::filesystem::path& dir) {
  std::vector<std::string> names;
  if (!std::filesystem::exists(dir)) return names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

// An HTTP server on 127.0.0.1 (a free port) for the duration of a test.
class LocalServer : public ::testing::Test {
 protected:
  void SetUp() override {
    port_ = server_.bind_to_any_port("127.0.0.1");
    ASSERT_GT(port_, 0);
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  void TearDown() override {
    server_.stop();
    thread_.join();
  }
  std::string url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(port_) + path; }
  std::filesystem::path downloads() const { return cache_.path() / "downloads"; }

  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::atomic<int> requests_{0};
  testing::ScratchDir cache_;
};

TEST_F(LocalServer, DownloadsOnceThenReadsTheCache) {
  const std::string body = "\"1\",\"Title\",\"Body\"\n\"2\",\"Other\",\"Text\"\n";
  server_.Get("/ag/train.csv", [&](const httplib::Request&, httplib::Response& response) {
    ++requests_;
    response.set_content(body, "text/csv");
  });
  const std::filesystem::path first = fetch(url("/ag/train.csv"), cache_.path());
  EXPECT_EQ(read_file(first), body);
  EXPECT_EQ(first.parent_path(), downloads());
  EXPECT_TRUE(first.filename().string().ends_with("-train.csv"));
  const std::filesystem::path second = fetch(url("/ag/train.csv"), cache_.path());
  EXPECT_EQ(second, first);
  EXPECT_EQ(requests_, 1);
  EXPECT_EQ(files_in(downloads()).size(), 1u);  // no temporary file left behind
}

TEST_F(LocalServer, WritesToATemporaryFileAndRenamesItWhenComplete) {
  std::vector<std::string> seen_during_transfer;
  server_.Get("/big.csv", [&](const httplib::Request&, httplib::Response& response) {
    seen_during_transfer = files_in(downloads());  // the client is waiting for this response
    response.set_content(std::string(1 << 20, 'x'), "text/csv");
  });
  const std::filesystem::path cached = fetch(url("/big.csv"), cache_.path());
  ASSERT_EQ(seen_during_transfer.size(), 1u);
  EXPECT_NE(seen_during_transfer[0], cached.filename().string());
  EXPECT_TRUE(seen_during_transfer[0].starts_with(cached.filename().string() + ".part-")) << seen_during_transfer[0];
  EXPECT_EQ(files_in(downloads()), std::vector<std::string>{cached.filename().string()});
  EXPECT_EQ(std::filesystem::file_size(cached), 1u << 20);
}

TEST_F(LocalServer, FailureShowsTheHttpStatusAndUrlAndCachesNothing) {
  server_.Get("/gone.csv", [&](const httplib::Request&, httplib::Response& response) {
    ++requests_;
    response.status = 404;
    response.set_content("not here", "text/plain");
  });
  EXPECT_EQ(testing::error_message([&] { fetch(url("/gone.csv"), cache_.path()); }),
            "download failed: HTTP 404 for " + url("/gone.csv"));
  EXPECT_TRUE(files_in(downloads()).empty());
  testing::error_message([&] { fetch(url("/gone.csv"), cache_.path()); });
  EXPECT_EQ(requests_, 2);  // a failure is retried, not remembered
}

TEST_F(LocalServer, ConnectionFailureNamesTheUrl) {
  const std::string closed = "http://127.0.0.1:1/x.csv";  // nothing listens on port 1
  const std::string message = testing::error_message([&] { fetch(closed, cache_.path()); });
  EXPECT_TRUE(message.starts_with("download failed: " + closed + " (")) << message;
}

TEST_F(LocalServer, AgNewsFromAUrlFindsClassesBesideIt) {
  server_.Get("/ag/test.csv", [](const httplib::Request&, httplib::Response& response) {
    response.set_content("\"3\",\"T\",\"a\\\\b\"\n\"1\",\"U\",\"c\"\n", "text/csv");
  });
  server_.Get("/ag/classes.txt", [](const httplib::Request&, httplib::Response& response) {
    response.set_content("World\nSports\nBusiness\nSci/Tech\n", "text/plain");
  });
  DatasetSpec spec;
  spec.path_or_url = url("/ag/test.csv?raw=1");
  spec.cache_dir = cache_.path();
  const Dataset dataset = read_dataset(spec);
  EXPECT_EQ(dataset.source, spec.path_or_url);
  EXPECT_EQ(dataset.texts, (std::vector<std::string>{"T a  b", "U c"}));
  EXPECT_EQ(dataset.labels, (std::vector<int>{2, 0}));
  EXPECT_EQ(dataset.class_names.size(), 4u);
}

TEST_F(LocalServer, ErrorsInADownloadedFileNameTheUrl) {
  server_.Get("/ag/bad.csv", [](const httplib::Request&, httplib::Response& response) {
    response.set_content("1,a,b\n2,c\n", "text/csv");
  });
  DatasetSpec spec;
  spec.path_or_url = url("/ag/bad.csv");
  spec.cache_dir = cache_.path();
  EXPECT_EQ(testing::error_message([&] { read_dataset(spec); }),
            "download failed: HTTP 404 for " + url("/ag/classes.txt"));
  spec.classes = cache_.write("classes.txt", "A\nB\n");
  EXPECT_EQ(testing::error_message([&] { read_dataset(spec); }),
            url("/ag/bad.csv") + ":2: expected 3 columns (class, title, description), found 2");
}

TEST(Fetch, LocalPathsAndSiblings) {
  testing::ScratchDir dir;
  const std::string file = dir.write("a.csv", "x");
  EXPECT_EQ(fetch(file), file);
  EXPECT_EQ(testing::error_message([&] { fetch(file + ".missing"); }), file + ".missing: no such file");
  EXPECT_EQ(sibling("data/ag_news/train.csv", "classes.txt"), "data/ag_news/classes.txt");
  EXPECT_EQ(sibling("train.csv", "classes.txt"), "classes.txt");
  EXPECT_EQ(sibling("https://host/a/b/train.csv?x=/y", "classes.txt"), "https://host/a/b/classes.txt");
  EXPECT_TRUE(is_url("https://host/x"));
  EXPECT_FALSE(is_url("httpdata/x.csv"));
}

TEST(Fetch, CacheFolderComesFromTheEnvironment) {
  const auto with_env = [](const char* textclass_cache, const char* xdg, const char* home) {
    const auto set = [](const char* name, const char* value) {
      if (value) setenv(name, value, 1); else unsetenv(name);
    };
    set("TEXTCLASS_CACHE", textclass_cache);
    set("XDG_CACHE_HOME", xdg);
    set("HOME", home);
    return default_cache_dir();
  };
  const char* saved[3] = {std::getenv("TEXTCLASS_CACHE"), std::getenv("XDG_CACHE_HOME"), std::getenv("HOME")};
  const std::string saved_values[3] = {saved[0] ? saved[0] : "", saved[1] ? saved[1] : "", saved[2] ? saved[2] : ""};
  EXPECT_EQ(with_env("/c", "/x", "/h"), std::filesystem::path("/c"));
  EXPECT_EQ(with_env(nullptr, "/x", "/h"), std::filesystem::path("/x/textclass"));
  EXPECT_EQ(with_env(nullptr, nullptr, "/h"), std::filesystem::path("/h/.cache/textclass"));
  EXPECT_EQ(with_env("", "", "/h"), std::filesystem::path("/h/.cache/textclass"));
  with_env(saved[0] ? saved_values[0].c_str() : nullptr, saved[1] ? saved_values[1].c_str() : nullptr,
           saved[2] ? saved_values[2].c_str() : nullptr);
}

}  // namespace
}  // namespace textclass::data
