#pragma once
// The message of the textclass::Error a call throws, for tests of the errors a user sees.
#include <gtest/gtest.h>

#include <string>

#include "textclass/error.hpp"

namespace textclass::testing {

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

}  // namespace textclass::testing
