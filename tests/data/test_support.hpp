#pragma once
// Helpers shared by the data tests: a scratch folder (tests/support) and the message of the
// textclass::Error a call throws.
#include <gtest/gtest.h>

#include <string>

#include "../support/error_message.hpp"
#include "../support/scratch_dir.hpp"

namespace textclass::data::testing {

using textclass::testing::error_message;
using textclass::testing::ScratchDir;

}  // namespace textclass::data::testing
