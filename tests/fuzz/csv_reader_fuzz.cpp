// Any bytes as a CSV data file (header, text and label columns), read with every kind of label
// (reader_variants.hpp): a Dataset whose labels are in range, or a textclass::Error.
#include <cstddef>
#include <cstdint>

#include "reader_variants.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  textclass::fuzz::read_every_way(textclass::data::Format::csv, data, size);
  return 0;
}
