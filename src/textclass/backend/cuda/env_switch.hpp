#pragma once
// The CUDA backend's switches from the environment (TEXTCLASS_CUDA_PROFILE, TEXTCLASS_CUDA_GRAPHS, ...):
// unset or empty gives the default, "0" turns a switch off and anything else on.
#include <cstdlib>
#include <cstring>
#include <string>

#include "textclass/error.hpp"

namespace textclass::backend::cuda {

inline bool env_switch(const char* name, bool default_value) {
  const char* setting = std::getenv(name);
  if (setting == nullptr || std::strcmp(setting, "") == 0) return default_value;
  return std::strcmp(setting, "0") != 0;
}

// A whole number from 1 to `most` (TEXTCLASS_CUDA_ROW_MULTIPLE): unset or empty gives the default,
// anything else is an Error that names the variable.
inline int env_count(const char* name, int default_value, int most) {
  const char* setting = std::getenv(name);
  if (setting == nullptr || std::strcmp(setting, "") == 0) return default_value;
  char* end = nullptr;
  const long value = std::strtol(setting, &end, 10);
  if (*end != '\0' || value < 1 || value > most)
    throw Error(std::string(name) + "=" + setting + ": expected a whole number from 1 to " + std::to_string(most));
  return static_cast<int>(value);
}

}  // namespace textclass::backend::cuda
