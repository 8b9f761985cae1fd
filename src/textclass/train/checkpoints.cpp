#include "textclass/train/checkpoints.hpp"

#include <algorithm>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

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

fs::path checkpoint_dir(const fs::path& output_dir, long step) {
  return output_dir / ("checkpoint-" + std::to_string(step));
}

fs::path save_checkpoint(const fs::path& output_dir, const model::Bert& bert, const AdamW& optimizer,
                         const TrainerState& state, const fs::path& tokenizer_dir) {
  const fs::path target = checkpoint_dir(output_dir, state.global_step);
  const fs::path temp = target.string() + ".tmp";
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

void rotate_checkpoints(const fs::path& output_dir, long limit, const fs::path& best) {
  std::vector<std::pair<long, fs::path>> found;
  std::error_code error;
  for (const fs::directory_entry& entry : fs::directory_iterator(output_dir, error)) {
    if (const std::optional<long> step = checkpoint_step(entry.path())) found.emplace_back(*step, entry.path());
  }
  check(error, output_dir, "list");
  std::sort(found.begin(), found.end());
  std::vector<fs::path> oldest_first;
  for (auto& [step, path] : found) oldest_first.push_back(std::move(path));
  const auto best_at = std::find_if(oldest_first.begin(), oldest_first.end(), [&](const fs::path& path) {
    return !best.empty() && fs::equivalent(path, best, error);
  });
  if (best_at != oldest_first.end()) {
    const bool best_is_newest = best_at + 1 == oldest_first.end();
    if (!best_is_newest) std::rotate(best_at, best_at + 1, oldest_first.end() - 1);  // now second newest
    if (limit == 1 && !best_is_newest) limit = 2;
  }
  const long excess = static_cast<long>(oldest_first.size()) - limit;
  for (long i = 0; i < excess; ++i) {
    fs::remove_all(oldest_first[static_cast<std::size_t>(i)], error);
    check(error, oldest_first[static_cast<std::size_t>(i)], "remove");
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
