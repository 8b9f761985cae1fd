// A model's tokenizer.json comes from wherever the user got it: any bytes must give a
// textclass::Error or a tokenizer that encodes text (singles and pairs) without failing, and
// whose offsets, where it gives them, come with the same ids.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "textclass/error.hpp"
#include "textclass/text/tokenizer.hpp"

namespace {

// The file each input is written to (the reader takes a path), removed at exit.
struct ScratchFile {
  std::string path = "fuzz-tokenizer-" + std::to_string(getpid()) + ".json";
  ~ScratchFile() { std::remove(path.c_str()); }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const ScratchFile scratch;
  {
    std::ofstream out(scratch.path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  try {
    const textclass::text::Tokenizer tokenizer = textclass::text::Tokenizer::load(scratch.path);
    for (const char* text : {"Hello, world! It's [MASK] <mask> caf\xc3\xa9  \xe4\xb8\xad\xe6\x96\x87 42", "", " a  b\t"}) {
      for (const std::size_t max_length : {std::size_t{8}, std::size_t{512}}) {
        try {
          const auto encoding = tokenizer.encode(text, max_length);
          for (const std::int32_t id : encoding.ids) tokenizer.id_to_token(id);
          const auto offsets = tokenizer.encode_with_offsets(text, max_length);  // none, or the same ids
          if (offsets && offsets->ids != encoding.ids) std::abort();
          tokenizer.encode_pair(text, "second text", max_length);
        } catch (const textclass::Error&) {  // e.g. max_length shorter than the template
        }
      }
    }
  } catch (const textclass::Error&) {
  }
  return 0;
}
