#pragma once
// The backend a --device name asks for.
#include <memory>
#include <string>

#include "textclass/backend/backend.hpp"

namespace textclass::train {

// "cpu" (threads 0: all cores). Any other name throws Error saying which devices this build has.
std::unique_ptr<backend::Backend> make_backend(const std::string& device, int threads);

}  // namespace textclass::train
