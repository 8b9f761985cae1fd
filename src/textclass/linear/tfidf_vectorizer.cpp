#include "textclass/linear/tfidf_vectorizer.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include "textclass/error.hpp"
#include "textclass/text/unicode.hpp"

namespace textclass::linear {
namespace {

using Row = std::vector<std::pair<std::uint32_t, double>>;

// Fewer documents than this are handled on one thread: waking the others would cost more.
constexpr std::size_t kParallelRows = 256;

void require_valid_documents(const std::vector<std::string>& documents) {
  for (std::size_t i = 0; i < documents.size(); ++i) {
    try {
      text::require_valid_utf8(documents[i]);
    } catch (const Error& e) {
      throw Error("document " + std::to_string(i + 1) + ": " + e.what());
    }
  }
}

// Term ids (any order) -> (id, count) pairs sorted by id.
Row count_terms(std::vector<std::uint32_t>& ids) {
  std::sort(ids.begin(), ids.end());
  Row row;
  for (std::uint32_t id : ids) {
    if (!row.empty() && row.back().first == id) {
      row.back().second += 1;
    } else {
      row.emplace_back(id, 1.0);
    }
  }
  return row;
}

SparseMatrix assemble(const std::vector<Row>& rows, std::size_t cols) {
  std::vector<std::size_t> row_start(rows.size() + 1, 0);
  for (std::size_t r = 0; r < rows.size(); ++r) row_start[r + 1] = row_start[r] + rows[r].size();
  SparseMatrix matrix;
  matrix.rows = rows.size();
  matrix.cols = cols;
  matrix.row_start = std::move(row_start);
  matrix.columns.resize(matrix.row_start.back());
  matrix.values.resize(matrix.row_start.back());
#pragma omp parallel for schedule(static) if (rows.size() > kParallelRows)
  for (std::size_t r = 0; r < rows.size(); ++r) {
    std::size_t k = matrix.row_start[r];
    for (const auto& [column, value] : rows[r]) {
      matrix.columns[k] = column;
      matrix.values[k++] = value;
    }
  }
  return matrix;
}

// The fit's terms that make the vocabulary, as (term, provisional id) sorted by term: those in
// [min_df, max_df * n] documents, then, as sklearn, the max_features most frequent of them (ties
// go to the alphabetically first, where sklearn's unstable argsort leaves them unspecified).
std::vector<std::pair<std::string_view, std::uint32_t>> select_terms(
    const TermIndex& provisional,
    const std::vector<std::size_t>& df, const std::vector<double>& counts, std::size_t documents,
    const TfidfOptions& options) {
  const double max_documents = options.max_df * static_cast<double>(documents);
  std::vector<std::pair<std::string_view, std::uint32_t>> kept;
  for (const auto& [term, id] : provisional) {
    if (df[id] >= options.min_df && static_cast<double>(df[id]) <= max_documents) kept.emplace_back(term, id);
  }
  std::sort(kept.begin(), kept.end());
  if (options.max_features > 0 && kept.size() > options.max_features) {
    std::stable_sort(kept.begin(), kept.end(), [&](const auto& a, const auto& b) { return counts[a.second] > counts[b.second]; });
    kept.resize(options.max_features);
    std::sort(kept.begin(), kept.end());
  }
  return kept;
}

}  // namespace

TfidfVectorizer::TfidfVectorizer(const TfidfOptions& options, std::shared_ptr<const text::Tokenizer> tokenizer)
    : options_(options), analyzer_(options.analyzer, std::move(tokenizer)) {
  if (!(options.max_df > 0.0 && options.max_df <= 1.0)) {
    throw Error("max_df must be a fraction of the documents in (0, 1], got " + std::to_string(options.max_df));
  }
}

TfidfVectorizer::TfidfVectorizer(const TfidfOptions& options, std::shared_ptr<const text::Tokenizer> tokenizer,
                                 std::vector<std::string> terms, std::vector<double> idf)
    : TfidfVectorizer(options, std::move(tokenizer)) {
  if (terms.size() != idf.size()) throw Error("a vectorizer needs one idf per term");
  if (!std::is_sorted(terms.begin(), terms.end()) || std::adjacent_find(terms.begin(), terms.end()) != terms.end()) {
    throw Error("a vectorizer's terms must be sorted and unique");
  }
  terms_ = std::move(terms);
  idf_ = std::move(idf);
  index_.reserve(terms_.size());
  for (std::size_t f = 0; f < terms_.size(); ++f) index_.emplace(terms_[f], static_cast<std::uint32_t>(f));
}

double TfidfVectorizer::tf(double count) const { return options_.sublinear_tf ? 1.0 + std::log(count) : count; }

void TfidfVectorizer::weigh_row(Row& row) const {
  double squares = 0;
  for (auto& [feature, value] : row) {
    value = tf(value) * idf_[feature];
    squares += value * value;
  }
  if (options_.l2_normalize && squares > 0) {
    const double scale = 1.0 / std::sqrt(squares);
    for (auto& entry : row) entry.second *= scale;
  }
}

SparseMatrix TfidfVectorizer::fit_transform(const std::vector<std::string>& documents) {
  if (documents.empty()) throw Error("no documents to fit the TF-IDF vectorizer on");
  require_valid_documents(documents);
  const std::size_t n = documents.size();
  std::vector<Terms> document_terms(n);
#pragma omp parallel for schedule(dynamic, 64) if (n > kParallelRows)
  for (std::size_t d = 0; d < n; ++d) analyzer_.analyze(documents[d], document_terms[d]);

  // Provisional ids in order of first appearance; one serial pass, as ids must be shared.
  TermIndex provisional;
  std::size_t total_terms = 0;
  for (const Terms& terms : document_terms) total_terms += terms.size();
  provisional.reserve(total_terms / 2);  // most terms repeat less than twice; no rehashing
  std::vector<std::size_t> df;
  std::vector<double> counts;
  std::vector<Row> rows(n);
  std::vector<std::uint32_t> ids;
  for (std::size_t d = 0; d < n; ++d) {
    const Terms& terms = document_terms[d];
    ids.clear();
    for (std::size_t t = 0; t < terms.size(); ++t) {
      const std::string_view term = terms[t];
      auto found = provisional.find(term);
      if (found == provisional.end()) {
        found = provisional.emplace(std::string(term), static_cast<std::uint32_t>(provisional.size())).first;
        df.push_back(0);
        counts.push_back(0);
      }
      ids.push_back(found->second);
    }
    document_terms[d] = Terms();
    rows[d] = count_terms(ids);
    for (const auto& [id, count] : rows[d]) {
      ++df[id];
      counts[id] += count;
    }
  }
  if (provisional.empty()) throw Error("empty vocabulary: the documents hold no terms");

  const auto kept = select_terms(provisional, df, counts, n, options_);
  if (kept.empty()) throw Error("after pruning, no terms remain: lower min_df or raise max_df");
  constexpr std::uint32_t dropped = UINT32_MAX;
  std::vector<std::uint32_t> feature_of(provisional.size(), dropped);
  terms_.clear();
  idf_.clear();
  const double smooth = options_.smooth_idf ? 1.0 : 0.0;
  for (const auto& [term, id] : kept) {
    feature_of[id] = static_cast<std::uint32_t>(terms_.size());
    terms_.emplace_back(term);
    idf_.push_back(std::log((static_cast<double>(n) + smooth) / (static_cast<double>(df[id]) + smooth)) + 1.0);
  }
  // The provisional index becomes the final one in place, saving a rebuild.
  for (auto it = provisional.begin(); it != provisional.end();) {
    if (feature_of[it->second] == dropped) {
      it = provisional.erase(it);
    } else {
      it->second = feature_of[it->second];
      ++it;
    }
  }
  index_ = std::move(provisional);

#pragma omp parallel for schedule(static) if (n > kParallelRows)
  for (std::size_t d = 0; d < n; ++d) {
    Row row;
    for (const auto& [id, count] : rows[d]) {
      if (feature_of[id] != dropped) row.emplace_back(feature_of[id], count);
    }
    std::sort(row.begin(), row.end());
    weigh_row(row);
    rows[d] = std::move(row);
  }
  return assemble(rows, terms_.size());
}

SparseMatrix TfidfVectorizer::transform(const std::vector<std::string>& documents) const {
  if (terms_.empty()) throw Error("the TF-IDF vectorizer is not fitted");
  require_valid_documents(documents);
  std::vector<Row> rows(documents.size());
#pragma omp parallel if (documents.size() > kParallelRows)
  {
    Terms terms;
    std::vector<std::uint32_t> ids;
#pragma omp for schedule(dynamic, 64)
    for (std::size_t d = 0; d < documents.size(); ++d) {
      analyzer_.analyze(documents[d], terms);
      ids.clear();
      for (std::size_t t = 0; t < terms.size(); ++t) {
        const auto found = index_.find(terms[t]);
        if (found != index_.end()) ids.push_back(found->second);
      }
      rows[d] = count_terms(ids);
      weigh_row(rows[d]);
    }
  }
  return assemble(rows, terms_.size());
}

}  // namespace textclass::linear
