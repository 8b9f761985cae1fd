#pragma once
// The backends the numerical tests run on, one per device and precision: "cpu" always (with the
// widest vector instructions the processor has; "cpu-avx2" and "cpu-baseline" run the narrower
// kernels where the processor can), and in
// builds with the CUDA backend "cuda" (fp32, exact), "cuda-tf32" and "cuda-bf16" (tensor-core
// products). A BackendTest skips a backend this machine cannot run (a CUDA build on a machine
// without a GPU, as in CI) and says why.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "textclass/backend/backend.hpp"

namespace textclass::testing {

std::vector<std::string> backend_names();

// Empty when the named backend can run here; otherwise why not.
std::string backend_unavailable_reason(const std::string& name);

std::unique_ptr<backend::Backend> make_test_backend(const std::string& name);

// A test parametrised by a backend's name: SetUp makes the backend, or skips the test saying why
// it cannot run here.
class BackendTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    const std::string why_not = backend_unavailable_reason(GetParam());
    if (!why_not.empty()) GTEST_SKIP() << GetParam() << ": " << why_not;
    backend_ = make_test_backend(GetParam());
  }
  backend::Backend& backend() { return *backend_; }

 private:
  std::unique_ptr<backend::Backend> backend_;
};

// The backend's name as a test name ("cuda-bf16" becomes "cuda_bf16": gtest allows no '-').
inline std::string backend_test_name(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = info.param;
  for (char& c : name)
    if (c == '-') c = '_';
  return name;
}

}  // namespace textclass::testing
