// A checkpoint's model.safetensors comes from wherever the user got it: any bytes must give a
// textclass::Error or tensors whose reads stay inside the file.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>

#include "textclass/error.hpp"
#include "textclass/model/safetensors_file.hpp"

namespace {

// The file each input is written to (SafetensorsFile maps a file), removed at exit.
struct ScratchFile {
  std::string path = "fuzz-safetensors-" + std::to_string(getpid()) + ".safetensors";
  ~ScratchFile() { std::remove(path.c_str()); }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const ScratchFile scratch;
  const std::string& path = scratch.path;
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  try {
    const textclass::model::SafetensorsFile file(path);
    for (const std::string& name : file.names()) {
      const std::string& dtype = file.info(name).dtype;
      if (dtype == "I32" || dtype == "I64") {
        file.read_ints(name);
      } else {
        file.read_floats(name);
      }
    }
  } catch (const textclass::Error&) {
  }
  return 0;
}
