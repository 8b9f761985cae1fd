#include "textclass/linear/model_file.hpp"

#include <bit>
#include <cstring>
#include <optional>
#include <fstream>
#include <nlohmann/json.hpp>
#include <system_error>
#include <unistd.h>

#include "textclass/error.hpp"
#include "textclass/text/files.hpp"

namespace textclass::linear {
namespace {

static_assert(std::endian::native == std::endian::little, "the model file's numbers are stored as in memory");
constexpr std::string_view kMagic = "TEXTCLASS-LINEAR";

template <typename T>
void append_raw(std::string& out, const T* values, std::size_t count) {
  out.append(reinterpret_cast<const char*>(values), count * sizeof(T));
}

// The estimator's options and its weights, whatever the task: coef feature-major (F x K) and K intercepts.
struct EstimatorParts {
  nlohmann::json options;
  const std::vector<double>* coef;
  std::vector<double> intercept;
};

EstimatorParts estimator_parts(const Estimator& estimator) {
  return std::visit(
      [](const auto& model) -> EstimatorParts {
        if constexpr (std::is_same_v<std::decay_t<decltype(model)>, RidgeRegression>) {
          const RidgeOptions& r = model.options();
          return {{{"alpha", r.alpha}, {"tol", r.tol}, {"max_iter", r.max_iter}}, &model.coef(), {model.intercept()}};
        } else {
          const LogisticRegressionOptions& c = model.options();
          return {{{"C", c.C}, {"tol", c.tol}, {"max_iter", c.max_iter}}, &model.coef(), model.intercept()};
        }
      },
      estimator);
}

nlohmann::json header_json(const TextClassifier& model) {
  const TfidfOptions& v = model.vectorizer.options();
  std::size_t vocabulary_bytes = 0;
  for (const std::string& term : model.vectorizer.terms()) vocabulary_bytes += term.size() + 1;
  return {
      {"problem_type", model::problem_type_name(model.problem_type())},
      {"classes", model.class_names},
      {"features", model.vectorizer.features()},
      {"vocabulary_bytes", vocabulary_bytes},
      {"vectorizer",
       {{"tokens", token_kind_name(v.analyzer.tokens)},
        {"tokenizer", v.analyzer.tokenizer},
        {"lowercase", v.analyzer.lowercase},
        {"ngram_range", {v.analyzer.ngram_min, v.analyzer.ngram_max}},
        {"min_df", v.min_df},
        {"max_df", v.max_df},
        {"max_features", v.max_features},
        {"sublinear_tf", v.sublinear_tf},
        {"smooth_idf", v.smooth_idf},
        {"norm", v.l2_normalize ? "l2" : "none"}}},
      {"classifier", estimator_parts(model.estimator).options},
  };
}

void write_file_atomically(const std::filesystem::path& file, const std::string& contents) {
  std::filesystem::path temporary = file;
  temporary += ".tmp-" + std::to_string(::getpid());
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
    out.close();
    if (!out) {
      std::error_code ignored;
      std::filesystem::remove(temporary, ignored);
      throw Error(file.string() + ": cannot write: " + std::strerror(errno));
    }
  }
  std::error_code error;
  std::filesystem::rename(temporary, file, error);
  if (error) {
    std::filesystem::remove(temporary, error);
    throw Error(file.string() + ": cannot write: " + error.message());
  }
}

// Reads the file's sections in order; every shortfall is an Error naming the file.
class Reader {
 public:
  Reader(std::string bytes, std::string name) : bytes_(std::move(bytes)), name_(std::move(name)) {}

  std::string_view take(std::size_t count, const char* what) {
    if (bytes_.size() - offset_ < count) throw truncated(what);
    const std::string_view part = std::string_view(bytes_).substr(offset_, count);
    offset_ += count;
    return part;
  }
  template <typename T>
  std::vector<T> take_array(std::size_t count, const char* what) {
    if (count > (bytes_.size() - offset_) / sizeof(T)) throw truncated(what);
    const std::string_view part = take(count * sizeof(T), what);
    std::vector<T> values(count);
    std::memcpy(values.data(), part.data(), part.size());
    return values;
  }
  void expect_end() const {
    if (offset_ != bytes_.size()) {
      throw Error(name_ + ": " + std::to_string(bytes_.size() - offset_) + " unexpected bytes after the model");
    }
  }
  Error error(const std::string& problem) const { return Error(name_ + ": " + problem); }
  Error truncated(const char* what) const {
    return error(std::string("truncated: the file ends (") + std::to_string(bytes_.size()) + " bytes) before " + what);
  }

 private:
  std::string bytes_;
  std::string name_;
  std::size_t offset_ = 0;
};

std::vector<std::string> split_terms(std::string_view vocabulary, std::size_t features, const Reader& reader) {
  std::vector<std::string> terms;
  terms.reserve(features);
  std::size_t begin = 0;
  for (std::size_t end; (end = vocabulary.find('\n', begin)) != std::string_view::npos; begin = end + 1) {
    terms.emplace_back(vocabulary.substr(begin, end - begin));
  }
  if (begin != vocabulary.size() || terms.size() != features) {
    throw reader.error("the vocabulary holds " + std::to_string(terms.size()) + " terms, the header says " +
                       std::to_string(features));
  }
  return terms;
}

}  // namespace

void save_text_classifier(const TextClassifier& model, const std::filesystem::path& file) {
  const std::string header = header_json(model).dump();
  std::string out(kMagic);
  append_raw(out, &kModelFileVersion, 1);
  const std::uint64_t header_length = header.size();
  append_raw(out, &header_length, 1);
  out += header;
  for (const std::string& term : model.vectorizer.terms()) {
    out += term;
    out += '\n';
  }
  append_raw(out, model.vectorizer.idf().data(), model.vectorizer.idf().size());
  const EstimatorParts parts = estimator_parts(model.estimator);
  append_raw(out, parts.coef->data(), parts.coef->size());
  append_raw(out, parts.intercept.data(), parts.intercept.size());
  write_file_atomically(file, out);
}

TextClassifier load_text_classifier(const std::filesystem::path& file, const TokenizerLoader& load_tokenizer) {
  Reader reader(text::read_file(file), file.string());
  if (reader.take(kMagic.size(), "the magic number") != kMagic) throw reader.error("not a textclass linear model");
  std::uint32_t version = 0;
  std::memcpy(&version, reader.take(sizeof version, "the version").data(), sizeof version);
  if (version != 1 && version != kModelFileVersion) {
    throw reader.error("format version " + std::to_string(version) + ", this textclass reads version " +
                       std::to_string(kModelFileVersion));
  }
  std::uint64_t header_length = 0;
  std::memcpy(&header_length, reader.take(sizeof header_length, "the header length").data(), sizeof header_length);
  const std::string_view header_text = reader.take(header_length, "the header");

  try {
    const nlohmann::json header = nlohmann::json::parse(header_text);
    const auto classes = header.at("classes").get<std::vector<std::string>>();
    const auto features = header.at("features").get<std::size_t>();
    const nlohmann::json& v = header.at("vectorizer");
    const nlohmann::json& c = header.at("classifier");

    TfidfOptions vectorizer;
    vectorizer.analyzer.tokens = parse_token_kind(v.at("tokens").get<std::string>());
    vectorizer.analyzer.tokenizer = v.at("tokenizer").get<std::string>();
    vectorizer.analyzer.lowercase = v.at("lowercase").get<bool>();
    vectorizer.analyzer.ngram_min = v.at("ngram_range").at(0).get<int>();
    vectorizer.analyzer.ngram_max = v.at("ngram_range").at(1).get<int>();
    vectorizer.min_df = v.at("min_df").get<std::size_t>();
    vectorizer.max_df = v.at("max_df").get<double>();
    vectorizer.max_features = v.at("max_features").get<std::size_t>();
    vectorizer.sublinear_tf = v.at("sublinear_tf").get<bool>();
    vectorizer.smooth_idf = v.at("smooth_idf").get<bool>();
    vectorizer.l2_normalize = v.at("norm").get<std::string>() == "l2";
    // version 1 files are single-label and have no problem_type
    const std::string task_name = header.value("problem_type", "single_label_classification");
    const std::optional<model::ProblemType> task = model::problem_type_from_name(task_name);
    if (!task) throw reader.error("unknown problem_type '" + task_name + "'");
    const std::size_t outputs = *task == model::ProblemType::regression ? 1 : classes.size();

    std::shared_ptr<const text::Tokenizer> tokenizer;
    if (vectorizer.analyzer.tokens == TokenKind::wordpiece) {
      if (!load_tokenizer) throw reader.error("wordpiece features, but no tokenizer to load");
      tokenizer = load_tokenizer(vectorizer.analyzer.tokenizer);
    }
    std::vector<std::string> terms =
        split_terms(reader.take(header.at("vocabulary_bytes").get<std::size_t>(), "the vocabulary"), features, reader);
    std::vector<double> idf = reader.take_array<double>(features, "the idf");
    std::vector<double> coef = reader.take_array<double>(features * outputs, "the coefficients");
    std::vector<double> intercept = reader.take_array<double>(outputs, "the intercepts");
    reader.expect_end();
    TfidfVectorizer fitted_vectorizer(vectorizer, tokenizer, std::move(terms), std::move(idf));
    if (*task == model::ProblemType::regression) {
      RidgeOptions ridge;
      ridge.alpha = c.at("alpha").get<double>();
      ridge.tol = c.at("tol").get<double>();
      ridge.max_iter = c.at("max_iter").get<int>();
      return TextClassifier{classes, std::move(fitted_vectorizer),
                            RidgeRegression(ridge, std::move(coef), intercept.at(0))};
    }
    LogisticRegressionOptions classifier;
    classifier.C = c.at("C").get<double>();
    classifier.tol = c.at("tol").get<double>();
    classifier.max_iter = c.at("max_iter").get<int>();
    if (*task == model::ProblemType::multi_label_classification) {
      return TextClassifier{classes, std::move(fitted_vectorizer),
                            OneVsRestLogisticRegression(classifier, features, classes.size(), std::move(coef),
                                                        std::move(intercept))};
    }
    return TextClassifier{classes, std::move(fitted_vectorizer),
                          LogisticRegression(classifier, features, classes.size(), std::move(coef), std::move(intercept))};
  } catch (const nlohmann::json::exception& e) {
    throw reader.error(std::string("bad header: ") + e.what());
  } catch (const Error& e) {
    const std::string message = e.what();
    if (message.starts_with(file.string() + ":")) throw;
    throw reader.error(message);
  }
}

}  // namespace textclass::linear
