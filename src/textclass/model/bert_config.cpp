#include "textclass/model/bert_config.hpp"

#include <fstream>
#include <nlohmann/json.hpp>

#include "textclass/error.hpp"
#include "textclass/model/notebook_head_code.hpp"
#include "textclass/model/text_file.hpp"

namespace textclass::model {

namespace {

using nlohmann::json;

// Typed field access with HF's default when the field is absent or null.
class Fields {
 public:
  Fields(const json& j, const std::string& path) : j_(j), path_(path) {}

  bool has(const char* key) const { return j_.contains(key) && !j_[key].is_null(); }

  int integer(const char* key, int fallback) const {
    if (!has(key)) return fallback;
    if (!j_[key].is_number_integer()) throw wrong_type(key, "an integer");
    return j_[key].get<int>();
  }
  int positive(const char* key, int fallback) const {
    int v = integer(key, fallback);
    if (v <= 0) throw Error(path_ + ": " + key + " must be positive, found " + std::to_string(v));
    return v;
  }
  double number(const char* key, double fallback) const {
    if (!has(key)) return fallback;
    if (!j_[key].is_number()) throw wrong_type(key, "a number");
    return j_[key].get<double>();
  }
  double probability(const char* key, double fallback) const {
    double p = number(key, fallback);
    if (!(p >= 0.0 && p < 1.0)) throw Error(path_ + ": " + key + " must be in [0, 1), found " + std::to_string(p));
    return p;
  }
  std::string text(const char* key, const std::string& fallback) const {
    if (!has(key)) return fallback;
    if (!j_[key].is_string()) throw wrong_type(key, "a string");
    return j_[key].get<std::string>();
  }
  bool flag(const char* key) const {
    if (!has(key)) return false;
    if (!j_[key].is_boolean()) throw wrong_type(key, "true or false");
    return j_[key].get<bool>();
  }

 private:
  Error wrong_type(const char* key, const char* expected) const {
    return Error(path_ + ": " + key + ": expected " + expected + ", found " + j_[key].dump());
  }
  const json& j_;
  std::string path_;
};

void refuse_unsupported(const Fields& f, const std::string& path) {
  auto refuse = [&](const std::string& setting, const std::string& supported) {
    return Error(path + ": " + setting + " is not supported (this engine implements " + supported + ")");
  };
  std::string model_type = f.text("model_type", "bert");
  if (model_type != "bert" && model_type != kNotebookHeadModelType)
    throw refuse("model_type \"" + model_type + "\"", "\"bert\" only");
  std::string act = f.text("hidden_act", "gelu");
  if (act != "gelu") throw refuse("hidden_act \"" + act + "\"", "\"gelu\", the exact erf GELU, only");
  std::string positions = f.text("position_embedding_type", "absolute");
  if (positions != "absolute") throw refuse("position_embedding_type \"" + positions + "\"", "\"absolute\" only");
  if (f.flag("is_decoder")) throw refuse("is_decoder = true", "the encoder only");
  if (f.flag("add_cross_attention")) throw refuse("add_cross_attention = true", "self-attention only");
}

// id2label ({"0": "World", ...}) gives the labels; without it, num_labels names them LABEL_i as HF.
std::vector<std::string> read_labels(const json& j, const Fields& f, const std::string& path) {
  std::vector<std::string> labels;
  if (f.has("id2label")) {
    const json& map = j["id2label"];
    if (!map.is_object()) throw Error(path + ": id2label must be an object {\"0\": \"label\", ...}");
    labels.resize(map.size());
    std::vector<bool> seen(map.size(), false);
    for (const auto& [key, value] : map.items()) {
      std::size_t id = 0, used = 0;
      try {
        id = std::stoul(key, &used);
      } catch (const std::exception&) {
        used = 0;
      }
      if (used != key.size() || id >= map.size() || seen[id] || !value.is_string())
        throw Error(path + ": id2label must map the ids 0.." + std::to_string(map.size() - 1) +
                    " to names; found \"" + key + "\": " + value.dump());
      seen[id] = true;
      labels[id] = value.get<std::string>();
    }
  }
  if (f.has("num_labels")) {
    int n = f.positive("num_labels", 2);
    if (labels.empty())
      for (int i = 0; i < n; ++i) labels.push_back("LABEL_" + std::to_string(i));
    else if (static_cast<int>(labels.size()) != n)
      throw Error(path + ": num_labels is " + std::to_string(n) + " but id2label names " +
                  std::to_string(labels.size()) + " labels");
  }
  if (labels.empty()) labels = {"LABEL_0", "LABEL_1"};
  return labels;
}

}  // namespace

BertConfig load_config(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Error(path + ": cannot open");
  json j;
  try {
    j = json::parse(in);
  } catch (const json::exception& e) {
    throw Error(path + ": not valid JSON: " + e.what());
  }
  if (!j.is_object()) throw Error(path + ": expected a JSON object");
  Fields f(j, path);
  refuse_unsupported(f, path);

  BertConfig c;
  c.vocab_size = f.positive("vocab_size", c.vocab_size);
  c.hidden_size = f.positive("hidden_size", c.hidden_size);
  c.num_hidden_layers = f.positive("num_hidden_layers", c.num_hidden_layers);
  c.num_attention_heads = f.positive("num_attention_heads", c.num_attention_heads);
  c.intermediate_size = f.positive("intermediate_size", c.intermediate_size);
  c.hidden_dropout_prob = f.probability("hidden_dropout_prob", c.hidden_dropout_prob);
  c.attention_probs_dropout_prob = f.probability("attention_probs_dropout_prob", c.attention_probs_dropout_prob);
  c.max_position_embeddings = f.positive("max_position_embeddings", c.max_position_embeddings);
  c.type_vocab_size = f.positive("type_vocab_size", c.type_vocab_size);
  c.pad_token_id = f.integer("pad_token_id", c.pad_token_id);
  c.layer_norm_eps = f.number("layer_norm_eps", c.layer_norm_eps);
  c.initializer_range = f.number("initializer_range", c.initializer_range);
  if (f.has("classifier_dropout")) c.classifier_dropout = f.probability("classifier_dropout", 0.0);
  c.labels = read_labels(j, f, path);
  if (f.text("model_type", "bert") == kNotebookHeadModelType) c.head = Head::cls_linear;
  // Written by textclass before its checkpoints said their head as transformers does.
  if (f.has("textclass_head")) {
    std::string name = f.text("textclass_head", "");
    c.head = head_from_name(name);
    if (!c.head) throw Error(path + ": textclass_head \"" + name + "\" is neither \"cls_linear\" nor \"pooler\"");
  }
  // null, as transformers writes for a model that was never fine-tuned, leaves it to the data
  if (f.has("problem_type") && !j["problem_type"].is_null()) {
    std::string name = f.text("problem_type", "");
    c.problem_type = problem_type_from_name(name);
    if (!c.problem_type)
      throw Error(path + ": problem_type \"" + name +
                  "\" is none of single_label_classification, multi_label_classification, regression");
  }
  if (c.pad_token_id < 0 || c.pad_token_id >= c.vocab_size)
    throw Error(path + ": pad_token_id " + std::to_string(c.pad_token_id) + " is outside the vocabulary");
  if (c.hidden_size % c.num_attention_heads != 0)
    throw Error(path + ": hidden_size " + std::to_string(c.hidden_size) + " is not a multiple of num_attention_heads " +
                std::to_string(c.num_attention_heads));
  return c;
}

void save_config(const BertConfig& c, const std::string& path) {
  json id2label = json::object(), label2id = json::object();
  for (int i = 0; i < c.num_labels(); ++i) {
    id2label[std::to_string(i)] = c.labels[i];
    label2id[c.labels[i]] = i;
  }
  json j = {{"vocab_size", c.vocab_size},
            {"hidden_size", c.hidden_size},
            {"num_hidden_layers", c.num_hidden_layers},
            {"num_attention_heads", c.num_attention_heads},
            {"intermediate_size", c.intermediate_size},
            {"hidden_act", "gelu"},
            {"hidden_dropout_prob", c.hidden_dropout_prob},
            {"attention_probs_dropout_prob", c.attention_probs_dropout_prob},
            {"max_position_embeddings", c.max_position_embeddings},
            {"type_vocab_size", c.type_vocab_size},
            {"pad_token_id", c.pad_token_id},
            {"layer_norm_eps", c.layer_norm_eps},
            {"initializer_range", c.initializer_range},
            {"position_embedding_type", "absolute"},
            {"classifier_dropout", c.classifier_dropout ? json(*c.classifier_dropout) : json(nullptr)},
            {"id2label", id2label},
            {"label2id", label2id}};
  if (c.problem_type) j["problem_type"] = problem_type_name(*c.problem_type);
  if (c.head == Head::cls_linear) {
    const std::string code = kNotebookHeadCodeModule;
    j["architectures"] = {kNotebookHeadModelClass};
    j["model_type"] = kNotebookHeadModelType;
    j["auto_map"] = {{"AutoConfig", code + "." + kNotebookHeadConfigClass},
                     {"AutoModelForSequenceClassification", code + "." + kNotebookHeadModelClass}};
    // AutoTokenizer finds no tokenizer for a model type it does not know; this names BERT's.
    j["tokenizer_class"] = "BertTokenizer";
  } else {
    j["architectures"] = {"BertForSequenceClassification"};
    j["model_type"] = "bert";
  }
  write_text_file(path, j.dump(2) + "\n");
}

}  // namespace textclass::model
