#pragma once
// The CUDA backend's switches from the environment (TEXTCLASS_CUDA_PROFILE, TEXTCLASS_CUDA_GRAPHS, ...):
// unset or empty gives the default, "0" turns a switch off and anything else on.
#include <cstdlib>
#include <cstring>

namespace textclass::backend::cuda {

inline bool env_switch(const char* name, bool default_value) {
  const char* setting = std::getenv(name);
  if (setting == nullptr || std::strcmp(setting, "") == 0) return default_value;
  return std::strcmp(setting, "0") != 0;
}

}  // namespace textclass::backend::cuda
