#pragma once
// The Error that encode_batch() throws for a bad text: which text (so a caller can name its file
// and line, "train.csv:1042: invalid UTF-8 at byte 7") and what is wrong with it.
#include <cstddef>
#include <string>

#include "textclass/error.hpp"

namespace textclass::text {

class BatchError : public Error {
 public:
  BatchError(std::size_t index, std::string problem)
      : Error("text " + std::to_string(index + 1) + " of the batch: " + problem),
        index_(index),
        problem_(std::move(problem)) {}

  std::size_t index() const { return index_; }  // from 0
  const std::string& problem() const { return problem_; }

 private:
  std::size_t index_;
  std::string problem_;
};

}  // namespace textclass::text
