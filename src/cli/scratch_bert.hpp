#pragma once
// `textclass run`'s model when bert-base-cased cannot be had (no network, nothing cached): a small
// BERT with bert-base-cased's tokenizer, trained from scratch. Small enough that the whole
// offline run (6,080 AG News rows, 2 epochs) takes minutes on a 2-core CPU.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "textclass/backend/backend.hpp"
#include "textclass/model/bert.hpp"

namespace textclass::cli {

// Its training recipe where the command line sets none: a network this small, starting from
// random weights, learns little at fine-tuning's 5e-5; and AG News texts are short (bert-base-cased
// tokens: p90 74, p99 139), so 128 cuts the end of about 1% of them and bounds the attention cost.
inline constexpr double kScratchLearningRate = 1e-3;
inline constexpr std::size_t kScratchMaxLength = 128;

// hidden 128, 2 layers, 2 heads, intermediate 512; everything else bert-base-cased's.
model::BertConfig scratch_bert_config(int vocab_size, const std::vector<std::string>& labels);

// A Bert with the notebook's head and HF's _init_weights (model::init_weights).
std::unique_ptr<model::Bert> make_scratch_bert(backend::Backend& backend, const model::BertConfig& config,
                                               std::uint64_t seed);

}  // namespace textclass::cli
