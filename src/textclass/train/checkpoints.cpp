#include "textclass/train/checkpoints.hpp"

#include <string>
#include <system_error>

#include "textclass/error.hpp"
#include "textclass/model/checkpoint.hpp"
#include "textclass/model/notebook_head_code.hpp"

namespace textclass::train {

namespace fs = std::filesystem;

namespace {

// What a model folder needs besides the weights for the tokenizer to load from it.
constexpr const char* kTokenizerFiles[] = {"tokenizer.json", "tokenizer_config.json", "vocab.txt",
                                           "special_tokens_map.json"};

void check(const std::error_code& error, const fs::path& path, const char* action) {
  if (error) throw Error(path.string() + ": cannot " + action + ": " + error.message());
}

// An empty folder at `dir`, whatever was there.
void fresh_dir(const fs::path& dir) {
  std::error_code error;
  fs::remove_all(dir, error);
  check(error, dir, "remove");
  fs::create_directories(dir, error);
  check(error, dir, "create");
}

void copy_tokenizer_files(const fs::path& from, const fs::path& to) {
  if (from.empty()) return;
  for (const char* name : kTokenizerFiles) {
    if (!fs::exists(from / name)) continue;
    std::error_code error;
    fs::copy_file(from / name, to / name, fs::copy_options::overwrite_existing, error);
    check(error, from / name, "copy");
  }
}

// The step of a folder named checkpoint-<digits>, else nullopt.
std::optional<long> checkpoint_step(const fs::path& dir) {
  const std::string name = dir.filename().string();
  const std::string prefix = "checkpoint-";
  if (name.rfind(prefix, 0) != 0 || name.size() == prefix.size()) return std::nullopt;
  const std::string digits = name.substr(prefix.size());
  if (digits.find_first_not_of("0123456789") != std::string::npos || digits.size() > 18) return std::nullopt;
  return std::stol(digits);
}

}  // namespace

fs::path save_checkpoint(const fs::path& output_dir, const model::Bert& bert, const AdamW& optimizer,
                         const TrainerState& state, const fs::path& tokenizer_dir) {
  const fs::path target = output_dir / ("checkpoint-" + std::to_string(state.global_step));
  const fs::path temp = output_dir / ("checkpoint-" + std::to_string(state.global_step) + ".tmp");
  fresh_dir(temp);
  model::save_bert(bert, temp.string());
  optimizer.save((temp / "optimizer.safetensors").string());
  copy_tokenizer_files(tokenizer_dir, temp);
  write_trainer_state(state, temp / "trainer_state.json");
  std::error_code error;
  fs::remove_all(target, error);
  check(error, target, "remove");
  fs::rename(temp, target, error);
  check(error, target, "create");
  return target;
}

void save_final_model(const fs::path& output_dir, const model::Bert& bert, const fs::path& tokenizer_dir) {
  const fs::path temp = output_dir / ".final-model.tmp";
  fresh_dir(temp);
  model::save_bert(bert, temp.string());
  copy_tokenizer_files(tokenizer_dir, temp);
  std::error_code error;
  for (const fs::directory_entry& entry : fs::directory_iterator(temp)) {
    fs::rename(entry.path(), output_dir / entry.path().filename(), error);
    check(error, output_dir / entry.path().filename(), "replace");
  }
  fs::remove(temp, error);
  // A model with the notebook's head saved here before left its code, which this model's
  // config.json does not name.
  if (bert.head() != model::Head::cls_linear) {
    fs::remove(output_dir / model::kNotebookHeadCodeFile, error);
    check(error, output_dir / model::kNotebookHeadCodeFile, "remove");
  }
}

std::optional<fs::path> latest_checkpoint(const fs::path& output_dir) {
  std::optional<fs::path> latest;
  long latest_step = -1;
  std::error_code error;
  for (const fs::directory_entry& entry : fs::directory_iterator(output_dir, error)) {
    const std::optional<long> step = checkpoint_step(entry.path());
    if (step && *step > latest_step && fs::exists(entry.path() / "trainer_state.json")) {
      latest = entry.path();
      latest_step = *step;
    }
  }
  return latest;
}

}  // namespace textclass::train
