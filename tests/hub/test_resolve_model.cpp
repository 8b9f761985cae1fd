// resolve_model() against a fake hub on 127.0.0.1 serving the tiny fixture model: the cache
// layout huggingface_hub makes, cache hits without network, HF_HUB_OFFLINE, HF_TOKEN, clear
// errors, a cache made by huggingface_hub, and local folders.
#include <gtest/gtest.h>

#include "../support/error_message.hpp"
#include "../support/scratch_dir.hpp"
#include "fake_hub.hpp"
#include "textclass/error.hpp"
#include "textclass/hub/model_files.hpp"
#include "textclass/hub/repo_id.hpp"

namespace textclass::hub {
namespace {

namespace fs = std::filesystem;
using testing::FakeHub;
using testing::FakeRepo;
using testing::read_bytes;
using textclass::testing::error_message;

const fs::path kTiny = fs::path(TEXTCLASS_SOURCE_DIR) / "tests/fixtures/hf/tiny";
const std::vector<std::string> kTinyFiles = {"config.json", "model.safetensors", "tokenizer.json",
                                             "tokenizer_config.json"};
const std::string kCommit = "0123456789abcdef0123456789abcdef01234567";

FakeRepo tiny_repo(const std::string& commit = kCommit) {
  FakeRepo repo{commit, {}, {"model.safetensors"}};
  for (const std::string& file : kTinyFiles) repo.files[file] = read_bytes(kTiny / file);
  return repo;
}

std::vector<std::string> names_in(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

class HubTest : public ::testing::Test {
 protected:
  void SetUp() override {
    hub_.add_repo("acme/tiny", tiny_repo());
    settings_.endpoint = hub_.endpoint();
    settings_.cache_dir = cache_.path();
  }
  fs::path repo_folder() const { return cache_.path() / "models--acme--tiny"; }

  FakeHub hub_;
  textclass::testing::ScratchDir cache_;
  HubSettings settings_;
};

TEST_F(HubTest, DownloadsIntoHuggingfaceHubCacheLayout) {
  const ModelFiles model = resolve_model("acme/tiny", Need::weights, settings_);
  EXPECT_EQ(model.dir, repo_folder() / "snapshots" / kCommit);
  EXPECT_EQ(model.origin, "downloaded from " + hub_.endpoint() + ", commit 0123456");
  EXPECT_EQ(read_bytes(repo_folder() / "refs/main"), kCommit);
  for (const std::string& file : kTinyFiles) {
    const fs::path link = model.dir / file;
    ASSERT_TRUE(fs::is_symlink(link)) << file;
    const std::string contents = read_bytes(kTiny / file);
    const std::string etag = file == "model.safetensors" ? testing::large_etag(contents) : testing::small_etag(contents);
    EXPECT_EQ(fs::read_symlink(link), fs::path("../../blobs") / etag) << file;
    EXPECT_EQ(read_bytes(link), contents) << file;
  }
  EXPECT_EQ(names_in(model.dir), (std::vector<std::string>{"config.json", "model.safetensors", "tokenizer.json",
                                                           "tokenizer_config.json"}));
  EXPECT_EQ(names_in(repo_folder() / "blobs").size(), 4u);  // no temporary files left
  EXPECT_TRUE(fs::exists(repo_folder() / ".no_exist" / kCommit / "special_tokens_map.json"));
  // Each file was downloaded once; the large one's body from the storage host it was redirected to.
  EXPECT_EQ(hub_.count("GET"), 5u);
  EXPECT_EQ(hub_.requests().back().path, "/storage/" + testing::large_etag(read_bytes(kTiny / "model.safetensors")));
}

// RoBERTa and DistilBERT repositories resolve as BERT's do: the model's files, the tokenizer's
// (tokenizer.json; RoBERTa's vocab.json and merges.txt beside it are not needed), the weights.
TEST_F(HubTest, OtherFamiliesResolveAsBertDoes) {
  const fs::path fixtures = fs::path(TEXTCLASS_SOURCE_DIR) / "tests/fixtures";
  for (const std::string family : {"roberta", "distilbert"}) {
    const fs::path files = fixtures / "families" / family / "tiny-encoder";
    const std::string id = family == "roberta" ? "FacebookAI/roberta-base" : "distilbert/distilbert-base-uncased";
    const fs::path tokenizer = fixtures / "tokenizers" / (family == "roberta" ? "roberta-base" : "distilbert-base-uncased");
    FakeRepo repo{kCommit, {}, {"model.safetensors"}};
    for (const std::string file : {"config.json", "model.safetensors"}) repo.files[file] = read_bytes(files / file);
    for (const std::string file : {"tokenizer.json", "tokenizer_config.json", "vocab.json", "merges.txt"})
      if (fs::exists(tokenizer / file)) repo.files[file] = read_bytes(tokenizer / file);
    hub_.add_repo(id, repo);
    const ModelFiles model = resolve_model(id, Need::weights, settings_);
    EXPECT_EQ(model.dir, cache_.path() / repo_folder_name(id) / "snapshots" / kCommit);
    EXPECT_EQ(names_in(model.dir), (std::vector<std::string>{"config.json", "model.safetensors", "tokenizer.json",
                                                             "tokenizer_config.json"}))
        << id;
    EXPECT_EQ(read_bytes(model.dir / "config.json"), read_bytes(files / "config.json"));
  }
  // a RoBERTa repository without tokenizer.json: its vocab.json and merges.txt are fetched
  FakeRepo repo{kCommit, {}, {"model.safetensors"}};
  for (const std::string file : {"config.json", "model.safetensors"})
    repo.files[file] = read_bytes(fixtures / "families/roberta/tiny-encoder" / file);
  for (const std::string file : {"vocab.json", "merges.txt"})
    repo.files[file] = read_bytes(fixtures / "tokenizers/roberta-base" / file);
  hub_.add_repo("acme/bpe-only", repo);
  EXPECT_EQ(names_in(resolve_model("acme/bpe-only", Need::weights, settings_).dir),
            (std::vector<std::string>{"config.json", "merges.txt", "model.safetensors", "vocab.json"}));
}

TEST_F(HubTest, ACompleteCacheIsUsedWithoutNetwork) {
  resolve_model("acme/tiny", Need::weights, settings_);
  const std::size_t requests = hub_.requests().size();
  const ModelFiles again = resolve_model("acme/tiny", Need::weights, settings_);
  EXPECT_EQ(hub_.requests().size(), requests);
  EXPECT_EQ(again.dir, repo_folder() / "snapshots" / kCommit);
  EXPECT_EQ(again.origin, "hub cache, commit 0123456");
}

TEST_F(HubTest, TokenizerOnlyFetchesNoWeights) {
  const ModelFiles model = resolve_model("acme/tiny", Need::tokenizer_only, settings_);
  EXPECT_EQ(names_in(model.dir), (std::vector<std::string>{"tokenizer.json", "tokenizer_config.json"}));
  for (const auto& request : hub_.requests()) EXPECT_EQ(request.path.find("model.safetensors"), std::string::npos);
  // Asking for the weights later fetches only what is missing.
  const std::size_t gets = hub_.count("GET");
  resolve_model("acme/tiny", Need::weights, settings_);
  EXPECT_EQ(hub_.count("GET"), gets + 3);  // config.json, model.safetensors and its storage redirect
}

TEST_F(HubTest, OfflineUsesOnlyTheCache) {
  settings_.offline = true;
  EXPECT_EQ(error_message([&] { resolve_model("acme/tiny", Need::weights, settings_); }),
            "acme/tiny: the model is not in the hub cache " + repo_folder().string() +
                " and HF_HUB_OFFLINE is set, so it cannot be downloaded");
  settings_.offline = false;
  resolve_model("acme/tiny", Need::tokenizer_only, settings_);
  settings_.offline = true;
  EXPECT_EQ(error_message([&] { resolve_model("acme/tiny", Need::weights, settings_); }),
            "acme/tiny: config.json is not in the hub cache " + repo_folder().string() +
                " and HF_HUB_OFFLINE is set, so it cannot be downloaded");
  settings_.offline = false;
  resolve_model("acme/tiny", Need::weights, settings_);
  // Offline, a file whose absence was never recorded does not send it to the network.
  fs::remove_all(repo_folder() / ".no_exist");
  settings_.offline = true;
  const std::size_t requests = hub_.requests().size();
  EXPECT_EQ(resolve_model("acme/tiny", Need::weights, settings_).dir, repo_folder() / "snapshots" / kCommit);
  EXPECT_EQ(hub_.requests().size(), requests);
}

TEST_F(HubTest, TokenIsSentAsABearerHeader) {
  hub_.require_token("hf_secret");
  settings_.token = "hf_secret";
  resolve_model("acme/tiny", Need::weights, settings_);
  ASSERT_EQ(hub_.requests().size(), 10u);  // 5 HEAD (one 404), 4 GET, 1 redirected GET
  for (const auto& request : hub_.requests()) EXPECT_EQ(request.authorization, "Bearer hf_secret") << request.path;
}

TEST_F(HubTest, UnauthorizedShowsTheStatusAndUrl) {
  hub_.require_token("hf_secret");
  const std::string url = hub_.endpoint() + "/acme/tiny/resolve/main/config.json";
  EXPECT_EQ(error_message([&] { resolve_model("acme/tiny", Need::weights, settings_); }),
            "HTTP 401 for " + url + ": acme/tiny is private, gated or does not exist; "
            "set HF_TOKEN to a token that can read it");
  settings_.token = "hf_wrong";
  EXPECT_EQ(error_message([&] { resolve_model("acme/tiny", Need::weights, settings_); }),
            "HTTP 401 for " + url + ": acme/tiny is private, gated or does not exist; "
            "the token in HF_TOKEN cannot read it");
  EXPECT_FALSE(fs::exists(repo_folder() / "refs"));
}

TEST_F(HubTest, UnknownModelShowsTheStatusAndUrl) {
  EXPECT_EQ(error_message([&] { resolve_model("acme/nothing", Need::tokenizer_only, settings_); }),
            "HTTP 404 for " + hub_.endpoint() +
                "/acme/nothing/resolve/main/tokenizer.json: no model acme/nothing (or no revision main) on the hub");
}

TEST_F(HubTest, PytorchOnlyWeightsAreRefusedClearly) {
  FakeRepo repo = tiny_repo("fedcba9876543210fedcba9876543210fedcba98");
  repo.files["pytorch_model.bin"] = repo.files.at("model.safetensors");
  repo.files.erase("model.safetensors");
  repo.large_files = {"pytorch_model.bin"};
  hub_.add_repo("acme/old", repo);
  EXPECT_EQ(error_message([&] { resolve_model("acme/old", Need::weights, settings_); }),
            "HTTP 404 for " + hub_.endpoint() +
                "/acme/old/resolve/fedcba9876543210fedcba9876543210fedcba98/model.safetensors: acme/old has no "
                "model.safetensors on the hub; textclass reads weights from model.safetensors only; "
                "pytorch_model.bin is not supported");
  EXPECT_NO_THROW(resolve_model("acme/old", Need::tokenizer_only, settings_));
}

TEST_F(HubTest, ABlobWithTheSameEtagIsNotDownloadedAgain) {
  resolve_model("acme/tiny", Need::weights, settings_);
  const std::string next = "89abcdef0123456789abcdef0123456789abcdef";
  hub_.add_repo("acme/tiny", tiny_repo(next));
  fs::remove(repo_folder() / "refs/main");  // as if main had never been fetched
  const std::size_t gets = hub_.count("GET");
  EXPECT_EQ(resolve_model("acme/tiny", Need::weights, settings_).dir, repo_folder() / "snapshots" / next);
  EXPECT_EQ(hub_.count("GET"), gets);
  EXPECT_EQ(read_bytes(repo_folder() / "refs/main"), next);
}

// The layout huggingface_hub writes, built by hand: relative links into blobs/, refs/main, and
// the marker of a file the hub does not have.
class HandMadeCache : public ::testing::Test {
 protected:
  void SetUp() override {
    const fs::path repo = cache_.path() / "models--google-bert--bert-base-cased";
    fs::create_directories(repo / "blobs");
    fs::create_directories(repo / "snapshots" / kCommit);
    fs::create_directories(repo / "refs");
    std::ofstream(repo / "refs/main") << kCommit;  // huggingface_hub writes no newline
    for (const std::string& file : kTinyFiles) {
      const std::string blob = "blob-" + file;
      fs::copy_file(kTiny / file, repo / "blobs" / blob);
      fs::create_symlink(fs::path("../../blobs") / blob, repo / "snapshots" / kCommit / file);
    }
    snapshot_ = repo / "snapshots" / kCommit;
    no_exist_ = repo / ".no_exist" / kCommit / "special_tokens_map.json";
    fs::create_directories(no_exist_.parent_path());
    std::ofstream{no_exist_};
    settings_.cache_dir = cache_.path();
    settings_.endpoint = "http://127.0.0.1:1";  // nothing listens there: any request would fail
  }
  textclass::testing::ScratchDir cache_;
  HubSettings settings_;
  fs::path snapshot_, no_exist_;
};

TEST_F(HandMadeCache, IsFoundWithoutNetwork) {
  const ModelFiles model = resolve_model("google-bert/bert-base-cased", Need::weights, settings_);
  EXPECT_EQ(model.dir, snapshot_);
  EXPECT_EQ(model.origin, "hub cache, commit 0123456");
}

TEST_F(HandMadeCache, ServesWhenTheHubIsUnreachable) {
  fs::remove(no_exist_);  // now the cache cannot tell whether special_tokens_map.json exists
  const ModelFiles model = resolve_model("google-bert/bert-base-cased", Need::weights, settings_);
  EXPECT_EQ(model.dir, snapshot_);
  EXPECT_EQ(model.origin, "hub cache, commit 0123456; the hub was unreachable");
  fs::remove(snapshot_ / "model.safetensors");
  const std::string message = error_message([&] { resolve_model("google-bert/bert-base-cased", Need::weights, settings_); });
  EXPECT_TRUE(message.starts_with("cannot reach http://127.0.0.1:1/google-bert/bert-base-cased/resolve/main/")) << message;
}

TEST(LocalFolder, IsUsedAsItIsWhenItHasWhatIsNeeded) {
  const ModelFiles model = resolve_model(kTiny.string(), Need::weights, HubSettings{});
  EXPECT_EQ(model.dir, kTiny);
  EXPECT_EQ(model.origin, "local folder");
}

TEST(LocalFolder, TokenizerOnlyFolderIsNotTakenForAModel) {
  const std::string bundled = (fs::path(TEXTCLASS_SOURCE_DIR) / "data/bert-base-cased").string();
  EXPECT_EQ(resolve_model(bundled, Need::tokenizer_only, HubSettings{}).dir, bundled);
  EXPECT_EQ(error_message([&] { resolve_model(bundled, Need::weights, HubSettings{}); }),
            bundled + ": no model.safetensors, so no weights (textclass reads weights from model.safetensors only; "
                      "pytorch_model.bin is not supported)");
  textclass::testing::ScratchDir empty;
  EXPECT_EQ(error_message([&] { resolve_model(empty.path().string(), Need::weights, HubSettings{}); }),
            empty.path().string() + ": no config.json");
  EXPECT_EQ(error_message([&] { resolve_model(empty.path().string(), Need::tokenizer_only, HubSettings{}); }),
            empty.path().string() + ": no tokenizer.json, vocab.json and merges.txt, or vocab.txt");
}

TEST(LocalFolder, APathThatIsNoRepoIdIsNotLookedForOnTheHub) {
  EXPECT_EQ(error_message([&] { resolve_model("./no/such/folder", Need::weights, HubSettings{}); }),
            "./no/such/folder: no such model folder");
}

}  // namespace
}  // namespace textclass::hub
