#pragma once
// The baseline's file format, version 2 (all numbers little-endian):
//   16 bytes  magic "TEXTCLASS-LINEAR"
//   u32       format version
//   u64       header length H, then H bytes of JSON: the problem_type (transformers' names), class
//             names, the vectorizer's and the classifier's options (C for logistic regression and
//             one-vs-rest, alpha for ridge), the feature count F and the vocabulary's length V in bytes
//   V bytes   the F terms in feature order, each followed by "\n" (terms never hold a newline)
//   f64 x F   idf
//   f64 x F*K coefficients, feature-major (K outputs: the classes, or 1 for regression)
//   f64 x K   intercepts (single-label: -inf for a class without training rows; multi-label: +-inf
//             for a class that every training row holds, or none)
// Version 1 files (before the problem_type) are single-label and read as such.
// Binary weights keep a 150,000-feature model a few MB and loading it a few milliseconds; the
// JSON header keeps the settings readable with `head -c`.
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "textclass/linear/text_classifier.hpp"

namespace textclass::linear {

inline constexpr std::uint32_t kModelFileVersion = 2;

// Writes the file atomically (a temporary file in the same folder, then a rename), so a reader
// never sees half a model. Throws Error when the file cannot be written.
void save_text_classifier(const TextClassifier& model, const std::filesystem::path& file);

// For wordpiece features: the tokenizer for the folder or name the model was trained with.
using TokenizerLoader = std::function<std::shared_ptr<const text::Tokenizer>(const std::string& dir_or_name)>;

// Throws Error("FILE: problem") for a missing, foreign, newer, truncated or inconsistent file.
TextClassifier load_text_classifier(const std::filesystem::path& file, const TokenizerLoader& load_tokenizer = {});

}  // namespace textclass::linear
