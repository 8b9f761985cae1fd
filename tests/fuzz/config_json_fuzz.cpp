// A model's config.json comes from wherever the user got it, for any family: any bytes must give a
// textclass::Error or a config that saves and reads back as the same architecture.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "textclass/error.hpp"
#include "textclass/model/bert_config.hpp"

namespace {

// The files each input goes through (load_config reads a path), removed at exit.
struct ScratchFiles {
  std::string input = "fuzz-config-" + std::to_string(getpid()) + ".json";
  std::string saved = "fuzz-config-saved-" + std::to_string(getpid()) + ".json";
  ~ScratchFiles() {
    std::remove(input.c_str());
    std::remove(saved.c_str());
  }
};

bool same_architecture(const textclass::model::BertConfig& a, const textclass::model::BertConfig& b) {
  return a.family == b.family && a.vocab_size == b.vocab_size && a.hidden_size == b.hidden_size &&
         a.num_hidden_layers == b.num_hidden_layers && a.num_attention_heads == b.num_attention_heads &&
         a.intermediate_size == b.intermediate_size && a.max_position_embeddings == b.max_position_embeddings &&
         a.type_vocab_size == b.type_vocab_size && a.pad_token_id == b.pad_token_id &&
         a.layer_norm_eps == b.layer_norm_eps && a.hidden_dropout_prob == b.hidden_dropout_prob &&
         a.attention_probs_dropout_prob == b.attention_probs_dropout_prob &&
         a.head_dropout_prob() == b.head_dropout_prob() && a.labels == b.labels;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const ScratchFiles files;
  {
    std::ofstream out(files.input, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  textclass::model::BertConfig config;
  try {
    config = textclass::model::load_config(files.input);
  } catch (const textclass::Error&) {
    return 0;
  }
  // What loads must save, and read back as the same model (the head aside: an old textclass_head
  // is written as transformers names it).
  textclass::model::save_config(config, files.saved);
  if (!same_architecture(textclass::model::load_config(files.saved), config)) std::abort();
  return 0;
}
