#pragma once
// Helpers shared by the report tests: a scratch folder (tests/support) and the message of the
// textclass::Error a call throws.
#include <gtest/gtest.h>

#include <string>

#include "../support/scratch_dir.hpp"
#include "textclass/error.hpp"

namespace textclass::report::testing {

using textclass::testing::ScratchDir;

// The message of the textclass::Error that `call` throws; fails the test if it throws none.
template <class Call>
std::string error_message(Call&& call) {
  try {
    call();
  } catch (const textclass::Error& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected a textclass::Error";
  return "";
}

}  // namespace textclass::report::testing
