// Model directories: HF's names in both styles, missing heads initialised as HF does, mismatches
// refused, the head chosen as transformers chooses it, and what we save reads back identically
// under the names HF wrote, as a folder transformers loads (custom code for the notebook's head).
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include "hf_fixtures.hpp"
#include "textclass/error.hpp"
#include "textclass/model/checkpoint.hpp"
#include "textclass/model/notebook_head_code.hpp"
#include "textclass/model/safetensors_writer.hpp"

namespace textclass::model {
namespace {

using testing::hf_fixture;
using testing::tensor_of;

class CheckpointTest : public ::testing::Test {
 protected:
  std::unique_ptr<backend::Backend> backend = backend::make_cpu_backend();
  std::string dir = (std::filesystem::temp_directory_path() /
                     ("textclass_checkpoint_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name())))
                        .string();
  void SetUp() override { std::filesystem::create_directories(dir); }
  void TearDown() override { std::filesystem::remove_all(dir); }

  std::unique_ptr<Bert> load(const std::string& path, LoadOptions options = {}) {
    return load_bert(*backend, path, options);
  }

  // A copy of the tiny fixture's directory whose tensors are renamed (or dropped when rename
  // returns ""), to stand for checkpoints saved in other ways.
  std::string tiny_with_names(const std::function<std::string(const std::string&)>& rename) {
    SafetensorsFile tiny(hf_fixture("tiny/model.safetensors"));
    std::vector<std::vector<float>> values;
    std::vector<TensorToWrite> tensors;
    for (const std::string& name : tiny.names()) {
      std::string renamed = rename(name);
      if (renamed.empty()) continue;
      values.push_back(tiny.read_floats(name));
      tensors.push_back({renamed, tiny.info(name).shape, nullptr});
    }
    for (std::size_t i = 0; i < tensors.size(); ++i) tensors[i].data = values[i].data();
    write_safetensors(dir + "/model.safetensors", tensors);
    std::filesystem::copy_file(hf_fixture("tiny/config.json"), dir + "/config.json",
                               std::filesystem::copy_options::overwrite_existing);
    return dir;
  }

  // The tiny fixture's tensors with those containing `dropped` left out.
  std::string tiny_without(const std::vector<std::string>& dropped) {
    return tiny_with_names([&](const std::string& n) {
      for (const std::string& d : dropped)
        if (n.find(d) != std::string::npos) return std::string();
      return n;
    });
  }

  // The error message of loading path with options, or "" when it loads.
  std::string load_error(const std::string& path, LoadOptions options = {}) {
    try {
      load(path, options);
    } catch (const Error& e) {
      return e.what();
    }
    return "";
  }

  static nlohmann::json read_json(const std::string& path) { return nlohmann::json::parse(std::ifstream(path)); }

  static void expect_same_parameters(const Bert& a, const Bert& b) {
    ASSERT_EQ(a.table().views().size(), b.table().views().size());
    for (const ParameterView& view : a.table().views())
      EXPECT_EQ(tensor_of(a, a.params(), view.name), tensor_of(b, b.params(), view.name)) << view.name;
  }
};

TEST_F(CheckpointTest, LoadsEveryTensorOfTheTinyModel) {
  auto bert = load(hf_fixture("tiny"));
  SafetensorsFile file(hf_fixture("tiny/model.safetensors"));
  EXPECT_EQ(bert->table().views().size(), file.names().size());
  for (const ParameterView& view : bert->table().views())
    EXPECT_EQ(tensor_of(*bert, bert->params(), view.name), file.read_floats(view.name)) << view.name;
}

TEST_F(CheckpointTest, SavedModelHasHFsNamesAndReadsBackIdentically) {
  auto bert = load(hf_fixture("tiny"), {Head::pooler, {"World", "Sports", "Business", "Sci/Tech"}, 0});
  save_bert(*bert, dir + "/saved");
  SafetensorsFile saved(dir + "/saved/model.safetensors");
  SafetensorsFile original(hf_fixture("tiny/model.safetensors"));
  EXPECT_EQ(saved.names(), original.names());
  auto back = load(dir + "/saved");  // no head asked for: the one it was saved with
  EXPECT_EQ(back->head(), Head::pooler);
  expect_same_parameters(*bert, *back);
  EXPECT_EQ(back->config().labels, (std::vector<std::string>{"World", "Sports", "Business", "Sci/Tech"}));
  // a plain BertForSequenceClassification: nothing transformers would not write itself
  const nlohmann::json config = read_json(dir + "/saved/config.json");
  EXPECT_EQ(config["architectures"], nlohmann::json::array({"BertForSequenceClassification"}));
  EXPECT_EQ(config["model_type"], "bert");
  EXPECT_FALSE(config.contains("auto_map"));
  EXPECT_FALSE(config.contains("textclass_head"));
  EXPECT_FALSE(std::filesystem::exists(dir + "/saved/" + kNotebookHeadCodeFile));
}

TEST_F(CheckpointTest, NotebookHeadIsSavedAsTransformersCustomCode) {
  LoadOptions options;
  options.head = Head::cls_linear;
  options.labels = {"World", "Sports", "Business", "Sci/Tech"};
  auto bert = load(hf_fixture("tiny-pretraining-style"), options);
  save_bert(*bert, dir + "/saved");

  const nlohmann::json config = read_json(dir + "/saved/config.json");
  EXPECT_EQ(config["architectures"], nlohmann::json::array({"BertForClsLinearClassification"}));
  EXPECT_EQ(config["model_type"], "textclass_bert_cls_linear");  // unknown to transformers: needs the code
  EXPECT_EQ(config["auto_map"]["AutoConfig"], "modeling_textclass.BertClsLinearConfig");
  EXPECT_EQ(config["auto_map"]["AutoModelForSequenceClassification"], "modeling_textclass.BertForClsLinearClassification");
  std::ifstream code_file(dir + "/saved/modeling_textclass.py");
  const std::string code((std::istreambuf_iterator<char>(code_file)), std::istreambuf_iterator<char>());
  EXPECT_EQ(code, notebook_head_code());
  for (const char* part : {"class BertClsLinearConfig(BertConfig):", "model_type = \"textclass_bert_cls_linear\"",
                           "class BertForClsLinearClassification(BertPreTrainedModel):",
                           "BertModel(config, add_pooling_layer=False)", "outputs[0][:, 0]"})
    EXPECT_NE(code.find(part), std::string::npos) << part;

  // HF's tensor names: bert.* and classifier.*, the untrained pooler kept (the code ignores it)
  SafetensorsFile saved(dir + "/saved/model.safetensors");
  for (const std::string& name : saved.names())
    EXPECT_TRUE(name.rfind("bert.", 0) == 0 || name.rfind("classifier.", 0) == 0) << name;
  EXPECT_TRUE(saved.contains("classifier.weight"));
  EXPECT_TRUE(saved.contains("bert.embeddings.LayerNorm.weight"));

  auto back = load(dir + "/saved");  // config.json says which head
  EXPECT_EQ(back->head(), Head::cls_linear);
  expect_same_parameters(*bert, *back);

  // saved again over it with transformers' head: the code goes, config.json no longer names it
  auto hf = load(hf_fixture("tiny"));
  save_bert(*hf, dir + "/saved");
  EXPECT_FALSE(std::filesystem::exists(dir + "/saved/" + kNotebookHeadCodeFile));
  EXPECT_EQ(load(dir + "/saved")->head(), Head::pooler);
}

TEST_F(CheckpointTest, FinishedClassifierRunsWithItsOwnHeadOnly) {
  EXPECT_EQ(load(hf_fixture("tiny"))->head(), Head::pooler);  // BertForSequenceClassification
  EXPECT_EQ(load(hf_fixture("tiny"), {Head::pooler, {}, 0})->head(), Head::pooler);
  const std::string message = load_error(hf_fixture("tiny"), {Head::cls_linear, {}, 0});
  EXPECT_NE(message.find(hf_fixture("tiny") + ": a finished classifier with transformers' head (pooler), which cannot "
                         "run with the notebook's head (cls_linear)"),
            std::string::npos)
      << message;
}

TEST_F(CheckpointTest, ClassifierWithoutPoolerNeedsConfigToNameItsHead) {
  const std::string path = tiny_without({"pooler"});
  const std::string message = load_error(path);
  EXPECT_NE(message.find(path + "/model.safetensors: a classifier without the pooler"), std::string::npos) << message;

  // older textclass checkpoints named their head with "textclass_head"
  nlohmann::json config = read_json(path + "/config.json");
  config["textclass_head"] = "cls_linear";
  std::ofstream(path + "/config.json") << config.dump();
  auto bert = load(path);
  EXPECT_EQ(bert->head(), Head::cls_linear);
  EXPECT_EQ(bert->table().find("bert.pooler.dense.weight"), nullptr);
}

TEST_F(CheckpointTest, PretrainingStyleNamesGiveTheSameEncoderAndANewClassifier) {
  auto tiny = load(hf_fixture("tiny"));
  LoadOptions options;
  options.labels = {"a", "b", "c", "d"};
  options.init_seed = 7;
  auto pretrained = load(hf_fixture("tiny-pretraining-style"), options);
  for (const ParameterView& view : tiny->table().views()) {
    if (view.name.rfind("classifier.", 0) == 0) continue;
    EXPECT_EQ(tensor_of(*tiny, tiny->params(), view.name), tensor_of(*pretrained, pretrained->params(), view.name))
        << view.name;
  }
  // the pre-training heads are dropped; the new classifier gets transformers' head, whose pooler trains
  for (const ParameterView& view : pretrained->table().views()) EXPECT_NE(view.name.rfind("cls.", 0), 0u);
  EXPECT_EQ(pretrained->head(), Head::pooler);
  EXPECT_TRUE(pretrained->table().at("bert.pooler.dense.weight").trainable);
  // under the notebook's head, asked for, the pooler is kept but not trained
  LoadOptions notebook = options;
  notebook.head = Head::cls_linear;
  EXPECT_FALSE(load(hf_fixture("tiny-pretraining-style"), notebook)->table().at("bert.pooler.dense.weight").trainable);

  // HF's init for the new classifier: normal(0, initializer_range) weights, zero bias
  std::vector<float> bias = tensor_of(*pretrained, pretrained->params(), "classifier.bias");
  EXPECT_EQ(bias, std::vector<float>(4, 0.0f));
  std::vector<float> weight = tensor_of(*pretrained, pretrained->params(), "classifier.weight");
  ASSERT_EQ(weight.size(), 4u * 32u);
  double sum = 0, sum_sq = 0;
  for (float w : weight) sum += w, sum_sq += static_cast<double>(w) * w;
  double mean = sum / weight.size(), std = std::sqrt(sum_sq / weight.size() - mean * mean);
  EXPECT_LT(std::fabs(mean), 0.006);  // 3 standard errors of the mean of 128 draws
  EXPECT_GT(std, 0.014);
  EXPECT_LT(std, 0.026);

  auto same_seed = load(hf_fixture("tiny-pretraining-style"), options);
  EXPECT_EQ(tensor_of(*same_seed, same_seed->params(), "classifier.weight"), weight);
  options.init_seed = 8;
  auto other_seed = load(hf_fixture("tiny-pretraining-style"), options);
  EXPECT_NE(tensor_of(*other_seed, other_seed->params(), "classifier.weight"), weight);
}

TEST_F(CheckpointTest, NamesWithoutTheBertPrefixLoad) {
  auto tiny = load(hf_fixture("tiny"));
  auto bare = load(tiny_with_names([](const std::string& n) { return n.rfind("bert.", 0) == 0 ? n.substr(5) : n; }));
  expect_same_parameters(*tiny, *bare);
}

TEST_F(CheckpointTest, MissingPoolerIsInitialisedOnlyForTheHFHead) {
  std::string path = tiny_without({"pooler", "classifier"});  // a BertModel without its pooler
  auto notebook = load(path, {Head::cls_linear, {}, 3});
  EXPECT_EQ(notebook->table().find("bert.pooler.dense.weight"), nullptr);
  auto hf = load(path, {std::nullopt, {}, 3});
  EXPECT_EQ(hf->head(), Head::pooler);
  EXPECT_EQ(tensor_of(*hf, hf->params(), "bert.pooler.dense.bias"), std::vector<float>(32, 0.0f));
  EXPECT_NE(tensor_of(*hf, hf->params(), "bert.pooler.dense.weight"), std::vector<float>(32 * 32, 0.0f));
}

TEST_F(CheckpointTest, MissingEncoderTensorIsAnErrorNamingIt) {
  std::string path = tiny_with_names([](const std::string& n) { return n.find("layer.1.output.dense.bias") != std::string::npos ? "" : n; });
  try {
    load(path);
    FAIL() << "loaded a checkpoint with a tensor missing";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("missing tensor bert.encoder.layer.1.output.dense.bias"), std::string::npos) << e.what();
  }
}

TEST_F(CheckpointTest, ClassifierForOtherLabelsIsAShapeError) {
  try {
    load(hf_fixture("tiny"), {std::nullopt, {"x", "y", "z"}, 0});
    FAIL() << "a 4-class classifier loaded for 3 labels";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("classifier.weight has shape [4, 32], expected [3, 32]"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace textclass::model
