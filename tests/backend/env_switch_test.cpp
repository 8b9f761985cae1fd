// The CUDA backend's settings from the environment (env_switch.hpp): plain C++, so tested anywhere.
#include "textclass/backend/cuda/env_switch.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

namespace textclass::backend::cuda {
namespace {

constexpr const char* kName = "TEXTCLASS_TEST_ENV_COUNT";

TEST(EnvCount, UnsetOrEmptyGivesTheDefault) {
  unsetenv(kName);
  EXPECT_EQ(env_count(kName, 64, 1024), 64);
  setenv(kName, "", 1);
  EXPECT_EQ(env_count(kName, 64, 1024), 64);
  unsetenv(kName);
}

TEST(EnvCount, TakesWholeNumbersInRange) {
  setenv(kName, "16", 1);
  EXPECT_EQ(env_count(kName, 64, 1024), 16);
  setenv(kName, "1024", 1);
  EXPECT_EQ(env_count(kName, 64, 1024), 1024);
  unsetenv(kName);
}

TEST(EnvCount, AnythingElseIsAnErrorThatNamesTheVariable) {
  for (const char* bad : {"0", "-8", "1025", "16x", "sixteen", "1.5"}) {
    setenv(kName, bad, 1);
    try {
      env_count(kName, 64, 1024);
      ADD_FAILURE() << bad << " was taken";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(std::string(kName) + "=" + bad), std::string::npos) << e.what();
    }
  }
  unsetenv(kName);
}

}  // namespace
}  // namespace textclass::backend::cuda
