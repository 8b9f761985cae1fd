#include "textclass/model/safetensors_writer.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "textclass/error.hpp"

namespace textclass::model {

namespace {

std::size_t numel(const std::vector<int64_t>& shape) {
  std::size_t n = 1;
  for (int64_t d : shape) n *= static_cast<std::size_t>(d);
  return n;
}

std::string build_header(const std::vector<TensorToWrite>& tensors,
                         const std::map<std::string, std::string>& metadata) {
  nlohmann::json header = nlohmann::json::object();
  if (!metadata.empty()) header["__metadata__"] = metadata;
  std::size_t offset = 0;
  for (const auto& t : tensors) {
    if (header.contains(t.name)) throw std::invalid_argument("write_safetensors: duplicate tensor " + t.name);
    std::size_t bytes = numel(t.shape) * sizeof(float);
    header[t.name] = {{"dtype", "F32"}, {"shape", t.shape}, {"data_offsets", {offset, offset + bytes}}};
    offset += bytes;
  }
  std::string text = header.dump();
  // Pad with spaces so the data buffer starts 8-byte aligned, as the reference writer does.
  text.append((8 - text.size() % 8) % 8, ' ');
  return text;
}

}  // namespace

void write_safetensors(const std::string& path, const std::vector<TensorToWrite>& tensors,
                       const std::map<std::string, std::string>& metadata) {
  std::string header = build_header(tensors, metadata);
  std::string temp_path = path + ".tmp";
  std::FILE* f = std::fopen(temp_path.c_str(), "wb");
  if (!f) throw Error(temp_path + ": cannot create: " + std::strerror(errno));
  uint64_t header_size = header.size();
  bool ok = std::fwrite(&header_size, 8, 1, f) == 1 && std::fwrite(header.data(), 1, header.size(), f) == header.size();
  for (const auto& t : tensors) {
    std::size_t n = numel(t.shape);
    if (ok && n > 0) ok = std::fwrite(t.data, sizeof(float), n, f) == n;
  }
  int err = errno;
  if (std::fclose(f) != 0 && ok) {
    ok = false;
    err = errno;
  }
  if (!ok) {
    std::remove(temp_path.c_str());
    throw Error(temp_path + ": cannot write: " + std::strerror(err));
  }
  std::error_code ec;
  std::filesystem::rename(temp_path, path, ec);
  if (ec) {
    std::remove(temp_path.c_str());
    throw Error(path + ": cannot replace with " + temp_path + ": " + ec.message());
  }
}

}  // namespace textclass::model
