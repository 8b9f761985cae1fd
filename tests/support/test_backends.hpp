#pragma once
// The backends the numerical tests run on: "cpu" always, and "cuda" (fp32) in builds with the CUDA
// backend. A test parametrised over backend_names() skips a backend this machine cannot run
// (a CUDA build on a machine without a GPU, as in CI) and says why.
#include <memory>
#include <string>
#include <vector>

#include "textclass/backend/backend.hpp"

namespace textclass::testing {

std::vector<std::string> backend_names();

// Empty when the named backend can run here; otherwise why not.
std::string backend_unavailable_reason(const std::string& name);

std::unique_ptr<backend::Backend> make_test_backend(const std::string& name);

}  // namespace textclass::testing
