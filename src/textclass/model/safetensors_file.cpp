#include "textclass/model/safetensors_file.hpp"

#include <bit>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <limits>
#include <nlohmann/json.hpp>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "textclass/error.hpp"
#include "textclass/model/half_float.hpp"

namespace textclass::model {

static_assert(std::endian::native == std::endian::little, "safetensors data is little-endian");

namespace {

// Bytes per element of every dtype the safetensors format defines.
std::size_t dtype_size(const std::string& dtype) {
  static const std::map<std::string, std::size_t> sizes = {
      {"BOOL", 1}, {"U8", 1},  {"I8", 1},  {"F8_E5M2", 1}, {"F8_E4M3", 1}, {"I16", 2}, {"U16", 2},
      {"F16", 2},  {"BF16", 2}, {"I32", 4}, {"U32", 4},    {"F32", 4},     {"F64", 8}, {"I64", 8},
      {"U64", 8}};
  auto it = sizes.find(dtype);
  return it == sizes.end() ? 0 : it->second;
}

std::string shape_string(const std::vector<int64_t>& shape) {
  std::string s = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

}  // namespace

std::size_t TensorInfo::numel() const {
  std::size_t n = 1;
  for (int64_t d : shape) n *= static_cast<std::size_t>(d);
  return n;
}

SafetensorsFile::SafetensorsFile(const std::string& path) : path_(path) {
  int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) throw Error(path + ": cannot open: " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    int err = errno;
    ::close(fd);
    throw Error(path + ": cannot stat: " + std::strerror(err));
  }
  map_size_ = static_cast<std::size_t>(st.st_size);
  if (map_size_ < 8) {
    ::close(fd);
    throw Error(path + ": not a safetensors file: " + std::to_string(map_size_) +
                " bytes is too short for the 8-byte header size");
  }
  map_ = ::mmap(nullptr, map_size_, PROT_READ, MAP_PRIVATE, fd, 0);
  int err = errno;
  ::close(fd);  // the mapping keeps the file alive
  if (map_ == MAP_FAILED) {
    map_ = nullptr;
    throw Error(path + ": cannot map: " + std::strerror(err));
  }
  try {
    uint64_t header_size = 0;
    std::memcpy(&header_size, map_, 8);
    if (header_size > map_size_ - 8)
      throw Error(path + ": header size " + std::to_string(header_size) + " exceeds the file's " +
                  std::to_string(map_size_ - 8) + " bytes after the size field");
    parse_header(static_cast<std::size_t>(header_size));
  } catch (...) {
    ::munmap(map_, map_size_);
    throw;
  }
}

SafetensorsFile::~SafetensorsFile() {
  if (map_) ::munmap(map_, map_size_);
}

void SafetensorsFile::parse_header(std::size_t header_size) {
  const auto* bytes = static_cast<const unsigned char*>(map_);
  data_ = bytes + 8 + header_size;
  data_size_ = map_size_ - 8 - header_size;
  nlohmann::json header;
  try {
    header = nlohmann::json::parse(bytes + 8, bytes + 8 + header_size);
  } catch (const nlohmann::json::exception& e) {
    throw Error(path_ + ": header is not valid JSON: " + e.what());
  }
  if (!header.is_object()) throw Error(path_ + ": header is not a JSON object");
  for (const auto& [name, entry] : header.items()) {
    if (name == "__metadata__") {
      if (!entry.is_object()) throw Error(path_ + ": __metadata__ is not a JSON object");
      for (const auto& [key, value] : entry.items())
        if (value.is_string()) metadata_[key] = value.get<std::string>();
      continue;
    }
    auto bad = [&, &name = name](const std::string& problem) { return Error(path_ + ": tensor " + name + ": " + problem); };
    if (!entry.is_object()) throw bad("entry is not a JSON object");
    if (!entry.contains("dtype") || !entry["dtype"].is_string()) throw bad("missing dtype");
    if (!entry.contains("shape") || !entry["shape"].is_array()) throw bad("missing shape");
    const auto& offsets = entry.contains("data_offsets") ? entry["data_offsets"] : nlohmann::json();
    if (!offsets.is_array() || offsets.size() != 2 || !offsets[0].is_number_unsigned() ||
        !offsets[1].is_number_unsigned())
      throw bad("data_offsets must be two non-negative integers");
    TensorInfo info;
    info.dtype = entry["dtype"].get<std::string>();
    std::size_t element_size = dtype_size(info.dtype);
    if (element_size == 0) throw bad("unknown dtype " + info.dtype);
    for (const auto& d : entry["shape"]) {
      if (!d.is_number_unsigned()) throw bad("shape must hold non-negative integers");
      info.shape.push_back(d.get<int64_t>());
    }
    uint64_t begin = offsets[0].get<uint64_t>(), end = offsets[1].get<uint64_t>();
    if (begin > end || end > data_size_)
      throw bad("data offsets [" + std::to_string(begin) + ", " + std::to_string(end) +
                "] lie outside the data buffer of " + std::to_string(data_size_) + " bytes");
    info.begin = static_cast<std::size_t>(begin);
    info.end = static_cast<std::size_t>(end);
    // Checked multiplication: a corrupt shape must not wrap around to the right byte count.
    std::size_t bytes_needed = element_size;
    for (int64_t d : info.shape)
      if (__builtin_mul_overflow(bytes_needed, static_cast<std::size_t>(d), &bytes_needed))
        throw bad("shape " + shape_string(info.shape) + " is too large");
    if (bytes_needed != info.end - info.begin)
      throw bad("shape " + shape_string(info.shape) + " of " + info.dtype + " needs " +
                std::to_string(bytes_needed) + " bytes but its data offsets hold " +
                std::to_string(info.end - info.begin));
    tensors_[name] = std::move(info);
  }
}

const TensorInfo& SafetensorsFile::info(const std::string& name) const {
  auto it = tensors_.find(name);
  if (it == tensors_.end()) throw Error(path_ + ": no tensor named " + name);
  return it->second;
}

std::vector<std::string> SafetensorsFile::names() const {
  std::vector<std::string> result;
  for (const auto& [name, info] : tensors_) result.push_back(name);
  return result;
}

std::vector<float> SafetensorsFile::read_floats(const std::string& name) const {
  const TensorInfo& t = info(name);
  std::vector<float> out(t.numel());
  const unsigned char* src = tensor_bytes(t);
  if (t.dtype == "F32") {
    if (!out.empty()) std::memcpy(out.data(), src, out.size() * sizeof(float));
  } else if (t.dtype == "F16" || t.dtype == "BF16") {
    bool is_bf16 = t.dtype == "BF16";
    for (std::size_t i = 0; i < out.size(); ++i) {
      uint16_t bits;
      std::memcpy(&bits, src + 2 * i, 2);
      out[i] = is_bf16 ? bf16_to_float(bits) : f16_to_float(bits);
    }
  } else {
    throw Error(path_ + ": tensor " + name + " has dtype " + t.dtype + "; expected F32, F16 or BF16");
  }
  return out;
}

std::vector<int32_t> SafetensorsFile::read_ints(const std::string& name) const {
  const TensorInfo& t = info(name);
  std::vector<int32_t> out(t.numel());
  const unsigned char* src = tensor_bytes(t);
  if (t.dtype == "I32") {
    if (!out.empty()) std::memcpy(out.data(), src, out.size() * sizeof(int32_t));
  } else if (t.dtype == "I64") {
    for (std::size_t i = 0; i < out.size(); ++i) {
      int64_t v;
      std::memcpy(&v, src + 8 * i, 8);
      if (v < std::numeric_limits<int32_t>::min() || v > std::numeric_limits<int32_t>::max())
        throw Error(path_ + ": tensor " + name + ": value " + std::to_string(v) + " does not fit in int32");
      out[i] = static_cast<int32_t>(v);
    }
  } else {
    throw Error(path_ + ": tensor " + name + " has dtype " + t.dtype + "; expected I32 or I64");
  }
  return out;
}

}  // namespace textclass::model
