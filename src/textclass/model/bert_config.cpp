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

// The family config.json names; the notebook head's model_type is BERT's.
Family read_family(const Fields& f, const std::string& path) {
  const std::string type = f.text("model_type", "bert");
  if (type == kNotebookHeadModelType) return Family::bert;
  const std::optional<Family> family = family_from_model_type(type);
  if (!family)
    throw Error(path + ": model_type \"" + type + "\" is not supported (supported: " + supported_model_types() + ")");
  return *family;
}

void refuse_unsupported(const Fields& f, Family family, const std::string& path) {
  auto refuse = [&](const std::string& setting, const std::string& supported) {
    return Error(path + ": " + setting + " is not supported (this engine implements " + supported + ")");
  };
  const char* act_key = family == Family::distilbert ? "activation" : "hidden_act";
  std::string act = f.text(act_key, "gelu");
  if (act != "gelu") throw refuse(std::string(act_key) + " \"" + act + "\"", "\"gelu\", the exact erf GELU, only");
  if (f.flag("sinusoidal_pos_embds")) throw refuse("sinusoidal_pos_embds = true", "learned positions only");
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

// BertConfig's and RobertaConfig's fields.
void read_bert_fields(const Fields& f, BertConfig& c) {
  c.vocab_size = f.positive("vocab_size", c.vocab_size);
  c.hidden_size = f.positive("hidden_size", c.hidden_size);
  c.num_hidden_layers = f.positive("num_hidden_layers", c.num_hidden_layers);
  c.num_attention_heads = f.positive("num_attention_heads", c.num_attention_heads);
  c.intermediate_size = f.positive("intermediate_size", c.intermediate_size);
  c.hidden_dropout_prob = f.probability("hidden_dropout_prob", c.hidden_dropout_prob);
  c.attention_probs_dropout_prob = f.probability("attention_probs_dropout_prob", c.attention_probs_dropout_prob);
  c.type_vocab_size = f.positive("type_vocab_size", c.type_vocab_size);
  c.layer_norm_eps = f.number("layer_norm_eps", c.layer_norm_eps);
  if (f.has("classifier_dropout")) c.classifier_dropout = f.probability("classifier_dropout", 0.0);
}

// DistilBertConfig's fields under their own names, with its defaults; its LayerNorms' eps is fixed
// at 1e-12 in transformers' modeling code, and its head's dropout is seq_classif_dropout.
void read_distilbert_fields(const Fields& f, BertConfig& c) {
  c.hidden_size = f.positive("dim", 768);
  c.num_hidden_layers = f.positive("n_layers", 6);
  c.num_attention_heads = f.positive("n_heads", 12);
  c.intermediate_size = f.positive("hidden_dim", 3072);
  c.vocab_size = f.positive("vocab_size", 30522);
  c.hidden_dropout_prob = f.probability("dropout", 0.1);
  c.attention_probs_dropout_prob = f.probability("attention_dropout", 0.1);
  c.classifier_dropout = f.probability("seq_classif_dropout", 0.2);
  c.type_vocab_size = 1;
  c.layer_norm_eps = 1e-12;
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
  const Family family = read_family(f, path);
  refuse_unsupported(f, family, path);

  BertConfig c;
  c.family = family;
  if (family == Family::distilbert) {
    read_distilbert_fields(f, c);
  } else {
    if (family == Family::roberta) {  // RobertaConfig's defaults where they differ from BertConfig's
      c.vocab_size = 50265;
      c.pad_token_id = 1;
    }
    read_bert_fields(f, c);
  }
  c.max_position_embeddings = f.positive("max_position_embeddings", c.max_position_embeddings);
  c.pad_token_id = f.integer("pad_token_id", c.pad_token_id);
  if (f.has("bos_token_id")) c.bos_token_id = f.integer("bos_token_id", 0);
  if (f.has("eos_token_id")) c.eos_token_id = f.integer("eos_token_id", 0);
  c.initializer_range = f.number("initializer_range", c.initializer_range);
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
  if (c.max_tokens() < 2)
    throw Error(path + ": max_position_embeddings " + std::to_string(c.max_position_embeddings) +
                " leaves no positions after padding_idx " + std::to_string(c.pad_token_id));
  return c;
}

namespace {

// DistilBertConfig's fields, as transformers writes them.
json distilbert_fields(const BertConfig& c) {
  return {{"vocab_size", c.vocab_size},
          {"dim", c.hidden_size},
          {"n_layers", c.num_hidden_layers},
          {"n_heads", c.num_attention_heads},
          {"hidden_dim", c.intermediate_size},
          {"activation", "gelu"},
          {"dropout", c.hidden_dropout_prob},
          {"attention_dropout", c.attention_probs_dropout_prob},
          {"seq_classif_dropout", c.head_dropout_prob()},
          {"max_position_embeddings", c.max_position_embeddings},
          {"sinusoidal_pos_embds", false},
          {"pad_token_id", c.pad_token_id},
          {"initializer_range", c.initializer_range}};
}

json bert_fields(const BertConfig& c) {
  return {{"vocab_size", c.vocab_size},
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
          {"classifier_dropout", c.classifier_dropout ? json(*c.classifier_dropout) : json(nullptr)}};
}

const char* sequence_classification_class(Family family) {
  switch (family) {
    case Family::roberta: return "RobertaForSequenceClassification";
    case Family::distilbert: return "DistilBertForSequenceClassification";
    case Family::bert: break;
  }
  return "BertForSequenceClassification";
}

}  // namespace

void save_config(const BertConfig& c, const std::string& path) {
  json id2label = json::object(), label2id = json::object();
  for (int i = 0; i < c.num_labels(); ++i) {
    id2label[std::to_string(i)] = c.labels[i];
    label2id[c.labels[i]] = i;
  }
  json j = c.family == Family::distilbert ? distilbert_fields(c) : bert_fields(c);
  if (c.bos_token_id) j["bos_token_id"] = *c.bos_token_id;
  if (c.eos_token_id) j["eos_token_id"] = *c.eos_token_id;
  j["id2label"] = id2label;
  j["label2id"] = label2id;
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
    j["architectures"] = {sequence_classification_class(c.family)};
    j["model_type"] = model_type(c.family);
  }
  write_text_file(path, j.dump(2) + "\n");
}

}  // namespace textclass::model
