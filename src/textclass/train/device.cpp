#include "textclass/train/device.hpp"

#include "textclass/error.hpp"

namespace textclass::train {

std::unique_ptr<backend::Backend> make_backend(const std::string& device, int threads) {
  if (device == "cpu") return backend::make_cpu_backend(threads);
  throw Error("--device " + device + ": this build runs on: cpu");
}

}  // namespace textclass::train
