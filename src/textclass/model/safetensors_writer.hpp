#pragma once
// Writes fp32 tensors as a safetensors file (the layout is described in safetensors_file.hpp).
// The file is written beside the target and renamed over it, so a crash mid-write never leaves
// a half-written checkpoint under the real name.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace textclass::model {

struct TensorToWrite {
  std::string name;
  std::vector<int64_t> shape;
  const float* data;  // host memory, numel(shape) floats
};

void write_safetensors(const std::string& path, const std::vector<TensorToWrite>& tensors,
                       const std::map<std::string, std::string>& metadata = {});

}  // namespace textclass::model
