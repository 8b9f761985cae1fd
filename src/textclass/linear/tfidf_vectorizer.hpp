#pragma once
// sklearn's TfidfVectorizer for analyzer="word": documents -> rows of term weights
//   tf(t, d)  = count of term t in d, or 1 + ln(count) with sublinear_tf
//   idf(t)    = ln((1 + n) / (1 + df(t))) + 1 with smooth_idf, else ln(n / df(t)) + 1
//               (n documents in the fit, df(t) = how many of them hold t)
//   x(d, t)   = tf(t, d) * idf(t), then each row scaled to unit L2 norm (norm="l2")
// The vocabulary is the fit's terms kept by min_df/max_df/max_features, sorted by code point as
// sklearn's feature names are, so feature indices match sklearn's. Terms unseen in the fit are
// dropped by transform().
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "textclass/linear/analyzer.hpp"
#include "textclass/linear/sparse_matrix.hpp"

namespace textclass::linear {

// Term -> index; hashes strings and string_views alike, so lookups by view allocate nothing.
struct TermHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
using TermIndex = std::unordered_map<std::string, std::uint32_t, TermHash, std::equal_to<>>;

struct TfidfOptions {
  AnalyzerOptions analyzer;
  std::size_t min_df = 1;         // keep terms found in at least this many documents
  double max_df = 1.0;            // ... and in at most this fraction of them
  std::size_t max_features = 0;   // then the most frequent (by total count) this many; 0: all
  bool sublinear_tf = true;       // sklearn's default is false; the baseline's anchor uses true
  bool smooth_idf = true;
  bool l2_normalize = true;       // norm="l2"; false: norm=None
};

class TfidfVectorizer {
 public:
  TfidfVectorizer() : TfidfVectorizer(TfidfOptions{}) {}
  // `tokenizer` is needed (and used) only for TokenKind::wordpiece.
  explicit TfidfVectorizer(const TfidfOptions& options, std::shared_ptr<const text::Tokenizer> tokenizer = nullptr);
  // A fitted vectorizer from its saved parts: terms sorted and unique, one idf per term.
  TfidfVectorizer(const TfidfOptions& options, std::shared_ptr<const text::Tokenizer> tokenizer,
                  std::vector<std::string> terms, std::vector<double> idf);

  // Learns the vocabulary and idf from `documents` and returns their rows. Throws Error when no
  // term survives, or for invalid UTF-8 (naming the document).
  SparseMatrix fit_transform(const std::vector<std::string>& documents);
  SparseMatrix transform(const std::vector<std::string>& documents) const;

  const TfidfOptions& options() const { return options_; }
  const std::vector<std::string>& terms() const { return terms_; }  // feature index -> term
  const std::vector<double>& idf() const { return idf_; }
  std::size_t features() const { return terms_.size(); }

 private:
  double tf(double count) const;
  // One output row from its (feature, count) pairs, sorted by feature.
  void weigh_row(std::vector<std::pair<std::uint32_t, double>>& row) const;

  TfidfOptions options_;
  Analyzer analyzer_;
  std::vector<std::string> terms_;
  std::vector<double> idf_;
  TermIndex index_;  // term -> feature
};

}  // namespace textclass::linear
