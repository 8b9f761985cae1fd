#pragma once
// A run folder in HuggingFace's layout:
//   <output>/checkpoint-<step>/  config.json (id2label/label2id), model.safetensors (with the
//                                notebook's head also modeling_textclass.py: model::save_bert), the tokenizer
//                                files, optimizer.safetensors (AdamW's moments and step),
//                                trainer_state.json (position in the data, log history)
//   <output>/                    the final model: config.json, model.safetensors, tokenizer files
// Nothing is ever half-written under its real name: a checkpoint is written as a folder
// checkpoint-<step>.tmp and renamed when complete; final-model files are written in a temporary
// folder and each renamed into place.
#include <filesystem>
#include <optional>

#include "textclass/model/bert.hpp"
#include "textclass/train/adamw.hpp"
#include "textclass/train/trainer_state.hpp"

namespace textclass::train {

// <output>/checkpoint-<step>, the folder save_checkpoint writes for that step.
std::filesystem::path checkpoint_dir(const std::filesystem::path& output_dir, long step);

// Writes <output>/checkpoint-<state.global_step>, replacing one of that step. tokenizer_dir may be
// empty (no tokenizer files to copy).
std::filesystem::path save_checkpoint(const std::filesystem::path& output_dir, const model::Bert& bert,
                                      const AdamW& optimizer, const TrainerState& state,
                                      const std::filesystem::path& tokenizer_dir);

// Writes the model and tokenizer files into <output> itself.
void save_final_model(const std::filesystem::path& output_dir, const model::Bert& bert,
                      const std::filesystem::path& tokenizer_dir);

// Deletes the oldest checkpoint-<step> folders under output_dir beyond the newest `limit`, keeping
// `best` (if not empty) as HF's _rotate_checkpoints does: the best counts as the second newest, and
// with a limit of 1 a best that is not the newest is kept beside it.
void rotate_checkpoints(const std::filesystem::path& output_dir, long limit, const std::filesystem::path& best);

// The complete checkpoint with the highest step under output_dir, if any.
std::optional<std::filesystem::path> latest_checkpoint(const std::filesystem::path& output_dir);

}  // namespace textclass::train
