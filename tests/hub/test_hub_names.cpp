// Repository ids and cache folder names as huggingface_hub forms them; the cache folder from the
// environment.
#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <optional>

#include "textclass/hub/hub_settings.hpp"
#include "textclass/hub/repo_id.hpp"

namespace textclass::hub {
namespace {

TEST(RepoId, AcceptsNamesAndOrgNames) {
  for (const char* id : {"bert-base-cased", "google-bert/bert-base-cased", "roberta-base", "FacebookAI/roberta-base",
                         "distilbert-base-uncased", "distilbert/distilbert-base-uncased", "org_1/model.v2", "a"}) {
    EXPECT_TRUE(is_repo_id(id)) << id;
  }
  for (const char* path : {"", "./model", "/abs/model", "a/b/c", "a--b", "a..b", "-a", "a.", "org/", "/x", "a b"}) {
    EXPECT_FALSE(is_repo_id(path)) << path;
  }
  EXPECT_FALSE(is_repo_id(std::string(97, 'a')));
}

TEST(RepoId, CacheFolderName) {
  EXPECT_EQ(repo_folder_name("bert-base-cased"), "models--bert-base-cased");
  EXPECT_EQ(repo_folder_name("google-bert/bert-base-cased"), "models--google-bert--bert-base-cased");
  EXPECT_EQ(repo_folder_name("FacebookAI/roberta-base"), "models--FacebookAI--roberta-base");
  EXPECT_EQ(repo_folder_name("distilbert-base-uncased"), "models--distilbert-base-uncased");
}

// Sets the variables for one call of from_environment(), then restores them.
class Environment {
 public:
  explicit Environment(std::map<std::string, const char*> values) {
    for (const auto& [name, value] : values) {
      const char* old = std::getenv(name.c_str());
      saved_[name] = old ? std::optional<std::string>(old) : std::nullopt;
      if (value) setenv(name.c_str(), value, 1); else unsetenv(name.c_str());
    }
  }
  ~Environment() {
    for (const auto& [name, value] : saved_) {
      if (value) setenv(name.c_str(), value->c_str(), 1); else unsetenv(name.c_str());
    }
  }

 private:
  std::map<std::string, std::optional<std::string>> saved_;
};

HubSettings settings_with(const char* hub_cache, const char* hf_home, const char* xdg, const char* home) {
  Environment env({{"HF_HUB_CACHE", hub_cache}, {"HF_HOME", hf_home}, {"XDG_CACHE_HOME", xdg}, {"HOME", home}});
  return HubSettings::from_environment();
}

TEST(HubSettingsTest, CacheFolderFollowsHuggingfaceHub) {
  EXPECT_EQ(settings_with("/c", "/hf", "/x", "/h").cache_dir, "/c");
  EXPECT_EQ(settings_with(nullptr, "/hf", "/x", "/h").cache_dir, "/hf/hub");
  EXPECT_EQ(settings_with(nullptr, nullptr, "/x", "/h").cache_dir, "/x/huggingface/hub");
  EXPECT_EQ(settings_with(nullptr, nullptr, nullptr, "/h").cache_dir, "/h/.cache/huggingface/hub");
}

TEST(HubSettingsTest, EndpointAndToken) {
  {
    Environment env({{"HF_ENDPOINT", nullptr}, {"HF_TOKEN", nullptr}});
    const HubSettings settings = HubSettings::from_environment();
    EXPECT_EQ(settings.endpoint, "https://huggingface.co");
    EXPECT_EQ(settings.token, "");
  }
  Environment env({{"HF_ENDPOINT", "https://hf-mirror.example/"}, {"HF_TOKEN", "hf_x"}});
  const HubSettings settings = HubSettings::from_environment();
  EXPECT_EQ(settings.endpoint, "https://hf-mirror.example");
  EXPECT_EQ(settings.token, "hf_x");
}

TEST(HubSettingsTest, OfflineTakesHuggingfaceHubsValuesForOn) {
  for (const char* on : {"1", "true", "YES", "On"}) {
    Environment env(std::map<std::string, const char*>{{"HF_HUB_OFFLINE", on}});
    EXPECT_TRUE(HubSettings::from_environment().offline) << on;
  }
  for (const char* off : {"0", "", "false", "no", static_cast<const char*>(nullptr)}) {
    Environment env(std::map<std::string, const char*>{{"HF_HUB_OFFLINE", off}});
    EXPECT_FALSE(HubSettings::from_environment().offline) << (off ? off : "unset");
  }
}

}  // namespace
}  // namespace textclass::hub
