#pragma once
// Where and how models are fetched from the HuggingFace hub, read from the same environment
// variables huggingface_hub reads, so a cache or a token set up for Python serves textclass too.
#include <filesystem>
#include <string>

namespace textclass::hub {

struct HubSettings {
  std::string endpoint = "https://huggingface.co";  // no trailing '/'
  std::string token;                                // sent as "Authorization: Bearer TOKEN" when set
  bool offline = false;                             // use the cache only, never the network
  std::filesystem::path cache_dir;                  // holds models--ORG--NAME folders

  // HF_ENDPOINT, HF_TOKEN, HF_HUB_OFFLINE (1/true/yes/on) and the cache folder: $HF_HUB_CACHE,
  // else $HF_HOME/hub, else $XDG_CACHE_HOME/huggingface/hub, else ~/.cache/huggingface/hub.
  static HubSettings from_environment();
};

}  // namespace textclass::hub
