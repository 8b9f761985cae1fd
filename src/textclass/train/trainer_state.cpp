#include "textclass/train/trainer_state.hpp"

#include <fstream>

#include "textclass/error.hpp"
#include "textclass/text/files.hpp"

namespace textclass::train {

using json = nlohmann::ordered_json;

void write_trainer_state(const TrainerState& state, const std::filesystem::path& file) {
  const json best_metric = state.best.best_metric ? json(*state.best.best_metric) : json(nullptr);
  const json best_checkpoint = state.best_model_checkpoint.empty() ? json(nullptr) : json(state.best_model_checkpoint);
  const json best_step = state.best.best_global_step >= 0 ? json(state.best.best_global_step) : json(nullptr);
  const json j = {{"global_step", state.global_step},
                  {"epoch", state.epoch_progress()},
                  {"best_metric", best_metric},
                  {"best_global_step", best_step},
                  {"best_model_checkpoint", best_checkpoint},
                  {"log_history", state.log_history},
                  {"stateful_callbacks",
                   {{"EarlyStoppingCallback",
                     {{"attributes", {{"early_stopping_patience_counter", state.best.evaluations_without_improvement}}}}}}},
                  {"train_batch_size", state.batch_size},
                  {"gradient_accumulation_steps", state.gradient_accumulation},
                  {"seed", state.seed},
                  {"shuffle", state.shuffle},
                  {"position", {{"epoch", state.epoch},
                                {"batch_in_epoch", state.batch_in_epoch},
                                {"batches_per_epoch", state.batches_per_epoch},
                                {"loss_since_log", state.loss_since_log},
                                {"steps_since_log", state.steps_since_log}}}};
  std::ofstream out(file);
  out << j.dump(2) << "\n";
  out.close();
  if (!out) throw Error(file.string() + ": cannot write");
}

TrainerState read_trainer_state(const std::filesystem::path& file) {
  try {
    const json j = json::parse(text::read_file(file));  // ordered: log rows keep their key order
    TrainerState state;
    state.global_step = j.at("global_step").get<long>();
    state.log_history = j.at("log_history").get<std::vector<json>>();
    state.batch_size = j.at("train_batch_size").get<std::size_t>();
    state.gradient_accumulation = j.at("gradient_accumulation_steps").get<long>();
    state.seed = j.at("seed").get<std::uint64_t>();
    // absent from the checkpoints written before --no-shuffle existed, which all shuffled
    state.shuffle = j.value("shuffle", true);
    // absent from the checkpoints written before --load-best-model-at-end existed
    if (j.contains("best_metric") && !j.at("best_metric").is_null()) state.best.best_metric = j.at("best_metric").get<double>();
    if (j.contains("best_global_step") && !j.at("best_global_step").is_null())
      state.best.best_global_step = j.at("best_global_step").get<long>();
    if (j.contains("best_model_checkpoint") && !j.at("best_model_checkpoint").is_null())
      state.best_model_checkpoint = j.at("best_model_checkpoint").get<std::string>();
    if (j.contains("stateful_callbacks")) {
      state.best.evaluations_without_improvement =
          j.at("stateful_callbacks").at("EarlyStoppingCallback").at("attributes").at("early_stopping_patience_counter").get<long>();
    }
    const json& position = j.at("position");
    state.epoch = position.at("epoch").get<long>();
    state.batch_in_epoch = position.at("batch_in_epoch").get<std::size_t>();
    state.batches_per_epoch = position.at("batches_per_epoch").get<std::size_t>();
    state.loss_since_log = position.at("loss_since_log").get<double>();
    state.steps_since_log = position.at("steps_since_log").get<long>();
    return state;
  } catch (const json::exception& e) {
    throw Error(file.string() + ": not a textclass trainer state (" + e.what() + ")");
  }
}

}  // namespace textclass::train
