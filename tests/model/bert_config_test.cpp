// config.json: every field the architecture uses, HF's defaults, and the settings we refuse.
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "hf_fixtures.hpp"
#include "textclass/error.hpp"
#include "textclass/model/bert_config.hpp"

namespace textclass::model {
namespace {

using testing::hf_fixture;

TEST(BertConfig, ReadsTheTinyFixture) {
  BertConfig c = load_config(hf_fixture("tiny/config.json"));
  EXPECT_EQ(c.vocab_size, 28996);
  EXPECT_EQ(c.hidden_size, 32);
  EXPECT_EQ(c.num_hidden_layers, 2);
  EXPECT_EQ(c.num_attention_heads, 4);
  EXPECT_EQ(c.intermediate_size, 64);
  EXPECT_EQ(c.hidden_dropout_prob, 0.0);
  EXPECT_EQ(c.attention_probs_dropout_prob, 0.0);
  EXPECT_EQ(c.max_position_embeddings, 512);
  EXPECT_EQ(c.type_vocab_size, 2);
  EXPECT_EQ(c.layer_norm_eps, 1e-12);
  EXPECT_EQ(c.pad_token_id, 0);
  EXPECT_FALSE(c.classifier_dropout.has_value());
  EXPECT_EQ(c.labels, (std::vector<std::string>{"LABEL_0", "LABEL_1", "LABEL_2", "LABEL_3"}));
}

TEST(BertConfig, ReadsTheShippedBertBaseCased) {
  BertConfig c = load_config(std::string(TEXTCLASS_SOURCE_DIR) + "/data/bert-base-cased/config.json");
  EXPECT_EQ(c.vocab_size, 28996);
  EXPECT_EQ(c.hidden_size, 768);
  EXPECT_EQ(c.num_hidden_layers, 12);
  EXPECT_EQ(c.num_attention_heads, 12);
  EXPECT_EQ(c.intermediate_size, 3072);
  EXPECT_EQ(c.hidden_dropout_prob, 0.1);
  EXPECT_EQ(c.attention_probs_dropout_prob, 0.1);
}

TEST(BertConfig, WithoutLabelsHasHFsTwoDefaultLabels) {
  BertConfig c = load_config(hf_fixture("tiny-pretraining-style/config.json"));
  EXPECT_EQ(c.num_labels(), 2);
  EXPECT_EQ(c.hidden_size, 32);
}

class ConfigFile : public ::testing::Test {
 protected:
  std::string path = (std::filesystem::temp_directory_path() /
                      ("textclass_config_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) +
                       ".json"))
                         .string();
  void TearDown() override { std::filesystem::remove(path); }

  std::string error_for(const std::string& json) {
    std::ofstream(path) << json;
    try {
      load_config(path);
    } catch (const Error& e) {
      return e.what();
    }
    return "";
  }
};

TEST_F(ConfigFile, DefaultsAreBertBase) {
  EXPECT_EQ(error_for("{}"), "");
  BertConfig c = load_config(path);
  EXPECT_EQ(c.hidden_size, 768);
  EXPECT_EQ(c.num_hidden_layers, 12);
  EXPECT_EQ(c.intermediate_size, 3072);
  EXPECT_EQ(c.hidden_dropout_prob, 0.1);
}

TEST_F(ConfigFile, LabelsComeFromId2LabelInIdOrder) {
  EXPECT_EQ(error_for(R"({"id2label": {"1": "Sports", "0": "World", "2": "Business"}, "classifier_dropout": 0.2})"), "");
  BertConfig c = load_config(path);
  EXPECT_EQ(c.labels, (std::vector<std::string>{"World", "Sports", "Business"}));
  EXPECT_EQ(c.head_dropout_prob(), 0.2);
}

TEST_F(ConfigFile, NumLabelsAloneNamesThemLikeHF) {
  EXPECT_EQ(error_for(R"({"num_labels": 3})"), "");
  EXPECT_EQ(load_config(path).labels, (std::vector<std::string>{"LABEL_0", "LABEL_1", "LABEL_2"}));
}

TEST_F(ConfigFile, UnsupportedArchitecturesAreRefusedByName) {
  EXPECT_NE(error_for(R"({"hidden_act": "gelu_new"})").find("hidden_act \"gelu_new\""), std::string::npos);
  EXPECT_NE(error_for(R"({"hidden_act": "relu"})").find("not supported"), std::string::npos);
  EXPECT_NE(error_for(R"({"position_embedding_type": "relative_key"})").find("position_embedding_type"), std::string::npos);
  EXPECT_NE(error_for(R"({"is_decoder": true})").find("is_decoder"), std::string::npos);
  EXPECT_NE(error_for(R"({"add_cross_attention": true})").find("add_cross_attention"), std::string::npos);
  EXPECT_EQ(error_for(R"({"model_type": "xlm-roberta"})"),
            path + ": model_type \"xlm-roberta\" is not supported (supported: \"bert\", \"roberta\", \"distilbert\")");
  EXPECT_NE(error_for(R"({"model_type": "distilbert", "activation": "relu"})").find("activation \"relu\""),
            std::string::npos);
  EXPECT_NE(error_for(R"({"model_type": "distilbert", "sinusoidal_pos_embds": true})").find("sinusoidal_pos_embds"),
            std::string::npos);
  EXPECT_NE(error_for(R"({"model_type": "roberta", "max_position_embeddings": 2})").find("padding_idx 1"),
            std::string::npos);
}

TEST_F(ConfigFile, ReadsTheHeadItNames) {
  EXPECT_EQ(error_for(R"({"model_type": "textclass_bert_cls_linear"})"), "");
  EXPECT_EQ(load_config(path).head, Head::cls_linear);
  EXPECT_EQ(error_for(R"({"textclass_head": "pooler"})"), "");  // older textclass checkpoints
  EXPECT_EQ(load_config(path).head, Head::pooler);
  EXPECT_FALSE(load_config(hf_fixture("tiny/config.json")).head.has_value());
  EXPECT_NE(error_for(R"({"textclass_head": "mlp"})").find("textclass_head \"mlp\""), std::string::npos);
}

TEST_F(ConfigFile, BadValuesNameTheFileAndTheField) {
  std::string message = error_for(R"({"hidden_size": "big"})");
  EXPECT_NE(message.find(path), std::string::npos) << message;
  EXPECT_NE(message.find("hidden_size: expected an integer"), std::string::npos) << message;
  EXPECT_NE(error_for(R"({"hidden_size": 30, "num_attention_heads": 4})").find("not a multiple"), std::string::npos);
  EXPECT_NE(error_for(R"({"hidden_dropout_prob": 1.5})").find("hidden_dropout_prob must be in [0, 1)"), std::string::npos);
  EXPECT_NE(error_for(R"({"num_labels": 3, "id2label": {"0": "a", "1": "b"}})").find("num_labels is 3"), std::string::npos);
  EXPECT_NE(error_for(R"({"id2label": {"0": "a", "2": "b"}})").find("id2label"), std::string::npos);
  EXPECT_NE(error_for("{not json").find("not valid JSON"), std::string::npos);
}

TEST_F(ConfigFile, SavedConfigReadsBackTheSame) {
  BertConfig c = load_config(hf_fixture("tiny/config.json"));
  c.labels = {"World", "Sports", "Business", "Sci/Tech"};
  c.classifier_dropout = 0.3;
  c.hidden_dropout_prob = 0.1;
  c.head = Head::cls_linear;
  save_config(c, path);
  BertConfig back = load_config(path);
  EXPECT_EQ(back.labels, c.labels);
  EXPECT_EQ(back.classifier_dropout, c.classifier_dropout);
  EXPECT_EQ(back.head, Head::cls_linear);
  EXPECT_EQ(back.hidden_dropout_prob, 0.1);
  EXPECT_EQ(back.layer_norm_eps, c.layer_norm_eps);
  EXPECT_EQ(back.vocab_size, c.vocab_size);
  EXPECT_EQ(back.intermediate_size, c.intermediate_size);
}

TEST_F(ConfigFile, ProblemTypeIsTransformersAndReadsBack) {
  BertConfig c = load_config(hf_fixture("tiny/config.json"));
  EXPECT_FALSE(c.problem_type.has_value());
  EXPECT_EQ(c.task(), ProblemType::single_label_classification);  // four labels, no problem_type
  for (ProblemType type : {ProblemType::single_label_classification, ProblemType::multi_label_classification,
                           ProblemType::regression}) {
    c.problem_type = type;
    save_config(c, path);
    std::ifstream saved(path);
    const std::string text((std::istreambuf_iterator<char>(saved)), std::istreambuf_iterator<char>());
    EXPECT_NE(text.find(std::string("\"problem_type\": \"") + problem_type_name(type) + "\""), std::string::npos);
    EXPECT_EQ(load_config(path).problem_type, type);
  }
  c.problem_type.reset();
  c.labels = {"LABEL_0"};
  EXPECT_EQ(c.task(), ProblemType::regression);  // transformers' guess for one label
  EXPECT_EQ(error_for(R"({"problem_type": null})"), "");
  EXPECT_NE(error_for(R"({"problem_type": "ranking"})").find("problem_type \"ranking\" is none of"), std::string::npos);
}

}  // namespace
}  // namespace textclass::model
