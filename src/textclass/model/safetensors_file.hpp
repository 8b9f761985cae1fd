#pragma once
// A read-only, memory-mapped safetensors file (the HuggingFace weights format):
//   8 bytes   little-endian u64 N, the header's length
//   N bytes   JSON: {"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, ...,
//                    "__metadata__": {"key": "value"}}   (offsets are relative to the data buffer)
//   the rest  the data buffer
// The whole header is checked on open, so a truncated or corrupt file fails there with a message
// naming the file and the tensor, not later with a crash.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace textclass::model {

struct TensorInfo {
  std::string dtype;            // as the header spells it: "F32", "F16", "BF16", "I64", ...
  std::vector<int64_t> shape;
  std::size_t begin = 0;        // byte range in the data buffer
  std::size_t end = 0;
  std::size_t numel() const;
};

class SafetensorsFile {
 public:
  explicit SafetensorsFile(const std::string& path);
  ~SafetensorsFile();
  SafetensorsFile(const SafetensorsFile&) = delete;
  SafetensorsFile& operator=(const SafetensorsFile&) = delete;

  const std::string& path() const { return path_; }
  bool contains(const std::string& name) const { return tensors_.count(name) != 0; }
  const TensorInfo& info(const std::string& name) const;  // throws Error if absent
  std::vector<std::string> names() const;
  const std::map<std::string, std::string>& metadata() const { return metadata_; }

  // The tensor's values as fp32, from F32, F16 or BF16 storage.
  std::vector<float> read_floats(const std::string& name) const;
  // The tensor's values as int32, from I32 or I64 storage (token ids, labels).
  std::vector<int32_t> read_ints(const std::string& name) const;

 private:
  void parse_header(std::size_t header_size);
  const unsigned char* tensor_bytes(const TensorInfo& info) const { return data_ + info.begin; }

  std::string path_;
  void* map_ = nullptr;
  std::size_t map_size_ = 0;
  const unsigned char* data_ = nullptr;
  std::size_t data_size_ = 0;
  std::map<std::string, TensorInfo> tensors_;
  std::map<std::string, std::string> metadata_;
};

}  // namespace textclass::model
