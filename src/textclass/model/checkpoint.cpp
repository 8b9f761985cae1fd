#include "textclass/model/checkpoint.hpp"

#include <algorithm>
#include <filesystem>
#include <optional>

#include "textclass/error.hpp"
#include "textclass/model/normal_init.hpp"
#include "textclass/model/notebook_head_code.hpp"
#include "textclass/model/safetensors_writer.hpp"
#include "textclass/model/text_file.hpp"

namespace textclass::model {

namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// The names a checkpoint may give our parameter `name`, most likely first.
std::vector<std::string> checkpoint_names(const std::string& name) {
  std::vector<std::string> names = {name};
  for (auto [modern, old] : {std::pair{".LayerNorm.weight", ".LayerNorm.gamma"}, {".LayerNorm.bias", ".LayerNorm.beta"}})
    if (ends_with(name, modern)) names.push_back(name.substr(0, name.size() - std::string(modern).size()) + old);
  const std::string prefix = "bert.";
  for (std::size_t i = 0, n = names.size(); i < n; ++i)
    if (names[i].rfind(prefix, 0) == 0) names.push_back(names[i].substr(prefix.size()));
  return names;
}

std::optional<std::string> find_in(const SafetensorsFile& file, const std::string& name) {
  for (const std::string& candidate : checkpoint_names(name))
    if (file.contains(candidate)) return candidate;
  return std::nullopt;
}

std::string shape_string(const std::vector<int64_t>& shape) {
  std::string s = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

bool initialised_when_missing(const std::string& name, Head head) {
  if (name.rfind("classifier.", 0) == 0) return true;
  return head == Head::pooler && name.rfind("bert.pooler.", 0) == 0;
}

std::string head_description(Head head) {
  return head == Head::pooler ? "transformers' head (pooler)" : "the notebook's head (cls_linear)";
}

// The head as transformers reads the checkpoint. A finished classifier (it has classifier.*) runs
// with the head it was trained with: the one config.json names, else BertForSequenceClassification's,
// whose pooler it must then hold. A checkpoint without a classifier (BertModel, BertForPreTraining,
// BertForMaskedLM) gets a new one for the head asked for, transformers' unless told otherwise.
Head choose_head(const std::string& dir, const BertConfig& config, const SafetensorsFile& file,
                 std::optional<Head> asked) {
  if (!find_in(file, "classifier.weight")) return asked.value_or(config.head.value_or(Head::pooler));
  const Head trained = config.head.value_or(Head::pooler);
  if (asked && *asked != trained)
    throw Error(dir + ": a finished classifier with " + head_description(trained) + ", which cannot run with " +
                head_description(*asked) + "; keep its head, or start from a model without a classifier");
  if (trained == Head::pooler && !find_in(file, "bert.pooler.dense.weight"))
    throw Error(file.path() + ": a classifier without the pooler (bert.pooler.dense.*) that " +
                "BertForSequenceClassification's head needs, and config.json names no other head");
  return trained;
}

}  // namespace

void init_weights(Bert& bert, uint64_t seed) {
  const BertConfig& config = bert.config();
  NormalInit init(seed);
  for (const ParameterView& view : bert.table().views()) {
    std::vector<float> values;
    if (ends_with(view.name, "LayerNorm.weight")) {
      values.assign(view.numel, 1.0f);
    } else if (ends_with(view.name, ".bias")) {
      values.assign(view.numel, 0.0f);
    } else {
      values = init.draw(view.numel, config.initializer_range);
      if (ends_with(view.name, "word_embeddings.weight")) {  // torch's padding_idx row
        const std::size_t row = static_cast<std::size_t>(config.pad_token_id) * config.hidden_size;
        std::fill_n(values.begin() + static_cast<std::ptrdiff_t>(row), config.hidden_size, 0.0f);
      }
    }
    bert.backend().upload(bert.params() + view.offset, values.data(), values.size() * sizeof(float));
  }
}

void load_weights(Bert& bert, const SafetensorsFile& file, uint64_t init_seed) {
  NormalInit init(init_seed);
  backend::Backend& be = bert.backend();
  for (const ParameterView& view : bert.table().views()) {
    float* dst = bert.params() + view.offset;
    std::optional<std::string> stored = find_in(file, view.name);
    if (!stored) {
      if (!initialised_when_missing(view.name, bert.head()))
        throw Error(file.path() + ": missing tensor " + view.name + " (is this a BERT checkpoint?)");
      bool is_weight = ends_with(view.name, ".weight");
      std::vector<float> values =
          is_weight ? init.draw(view.numel, bert.config().initializer_range) : std::vector<float>(view.numel, 0.0f);
      be.upload(dst, values.data(), values.size() * sizeof(float));
      continue;
    }
    const TensorInfo& info = file.info(*stored);
    if (info.shape != view.shape) {
      std::string hint = view.name.rfind("classifier.", 0) == 0 ? " (the checkpoint was trained for other labels)"
                                                                : " (does config.json belong to these weights?)";
      throw Error(file.path() + ": tensor " + *stored + " has shape " + shape_string(info.shape) + ", expected " +
                  shape_string(view.shape) + hint);
    }
    std::vector<float> values = file.read_floats(*stored);
    be.upload(dst, values.data(), values.size() * sizeof(float));
  }
}

std::unique_ptr<Bert> load_bert(backend::Backend& backend, const std::string& dir, const LoadOptions& options) {
  BertConfig config = load_config(dir + "/config.json");
  if (!options.labels.empty()) config.labels = options.labels;
  if (options.dropout) {
    config.hidden_dropout_prob = config.attention_probs_dropout_prob = *options.dropout;
    config.classifier_dropout = *options.dropout;
  }
  if (options.random_weights) {
    const Head head = options.head.value_or(Head::pooler);
    config.head = head;
    auto bert = std::make_unique<Bert>(backend, std::move(config), head, head == Head::pooler);
    init_weights(*bert, options.init_seed);
    return bert;
  }
  SafetensorsFile file(dir + "/model.safetensors");
  bool has_pooler = find_in(file, "bert.pooler.dense.weight").has_value();
  Head head = choose_head(dir, config, file, options.head);
  config.head = head;
  auto bert = std::make_unique<Bert>(backend, std::move(config), head, has_pooler);
  load_weights(*bert, file, options.init_seed);
  return bert;
}

void save_bert(const Bert& bert, const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw Error(dir + ": cannot create directory: " + ec.message());
  const ParameterTable& table = bert.table();
  std::vector<float> host(table.total_floats());
  bert.backend().download(host.data(), bert.params(), host.size() * sizeof(float));
  std::vector<TensorToWrite> tensors;
  for (const ParameterView& view : table.views()) tensors.push_back({view.name, view.shape, host.data() + view.offset});
  BertConfig config = bert.config();
  config.head = bert.head();
  const std::string code_path = dir + "/" + kNotebookHeadCodeFile;
  if (bert.head() == Head::cls_linear) {
    write_text_file(code_path, notebook_head_code());
  } else if (std::filesystem::remove(code_path, ec); ec) {  // a notebook-head model saved here before
    throw Error(code_path + ": cannot remove: " + ec.message());
  }
  save_config(config, dir + "/config.json");
  write_safetensors(dir + "/model.safetensors", tensors, {{"format", "pt"}});
}

}  // namespace textclass::model
