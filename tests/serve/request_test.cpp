#include "textclass/serve/request.hpp"

#include <gtest/gtest.h>
#include <string>

namespace textclass::serve {
namespace {

// The status and type of the ApiError that parsing `body` throws (0 when it parses).
std::pair<int, std::string> predict_error(const std::string& body, std::size_t max_batch = 32) {
  try {
    parse_predict_request(body, max_batch);
  } catch (const ApiError& e) {
    return {e.status(), e.type()};
  }
  return {0, ""};
}

TEST(PredictRequest, AStringIsOneText) {
  const PredictRequest request = parse_predict_request(R"({"inputs": "Stocks rally"})", 32);
  ASSERT_EQ(request.inputs.size(), 1u);
  EXPECT_FALSE(request.batch);
  EXPECT_EQ(request.inputs[0].texts, std::vector<std::string>{"Stocks rally"});
  EXPECT_FALSE(request.truncate.has_value());
  EXPECT_EQ(request.truncation_direction, TruncationDirection::right);
  EXPECT_FALSE(request.raw_scores);
}

TEST(PredictRequest, ArraysOfStringsAreOneTextOrOnePair) {
  const PredictRequest one = parse_predict_request(R"({"inputs": ["a"]})", 32);
  EXPECT_FALSE(one.batch);
  EXPECT_FALSE(one.inputs.at(0).is_pair());
  const PredictRequest pair = parse_predict_request(R"({"inputs": ["a", "b"]})", 32);
  EXPECT_FALSE(pair.batch);
  ASSERT_EQ(pair.inputs.size(), 1u);
  EXPECT_TRUE(pair.inputs[0].is_pair());
  EXPECT_EQ(pair.inputs[0].texts, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(predict_error(R"({"inputs": ["a", "b", "c"]})"), std::make_pair(422, std::string("validation")));
}

TEST(PredictRequest, ABatchMixesTextsAndPairs) {
  const PredictRequest request =
      parse_predict_request(R"({"inputs": [["a"], ["b", "c"]], "truncate": true, "truncation_direction": "left",
                                "raw_scores": true})", 32);
  EXPECT_TRUE(request.batch);
  ASSERT_EQ(request.inputs.size(), 2u);
  EXPECT_FALSE(request.inputs[0].is_pair());
  EXPECT_TRUE(request.inputs[1].is_pair());
  EXPECT_EQ(request.truncate, true);
  EXPECT_EQ(request.truncation_direction, TruncationDirection::left);
  EXPECT_TRUE(request.raw_scores);
  // TEI's own spelling of the direction
  EXPECT_EQ(parse_predict_request(R"({"inputs": "a", "truncation_direction": "Right"})", 32).truncation_direction,
            TruncationDirection::right);
}

TEST(PredictRequest, EmptyInputsAndLargeBatchesAre413) {
  EXPECT_EQ(predict_error(R"({"inputs": ""})"), std::make_pair(413, std::string("validation")));
  EXPECT_EQ(predict_error(R"({"inputs": []})"), std::make_pair(413, std::string("validation")));
  EXPECT_EQ(predict_error(R"({"inputs": [["a"], [""]]})"), std::make_pair(413, std::string("validation")));
  EXPECT_EQ(predict_error(R"({"inputs": [["a"], ["b"], ["c"]]})", 2), std::make_pair(413, std::string("validation")));
  EXPECT_EQ(predict_error(R"({"inputs": [["a"], ["b"]]})", 2), std::make_pair(0, std::string()));
}

TEST(PredictRequest, JsonThatDoesNotParseIs400) {
  for (const std::string body : {"", "not json", R"({"inputs": "a")", "{\"inputs\": \"\xff\xfe\"}",
                                 R"({"inputs": "\ud800"})", R"({"inputs": "a", "x": 1e999})"}) {
    EXPECT_EQ(predict_error(body).first, 400) << body;
  }
}

TEST(PredictRequest, JsonOfTheWrongShapeIs422) {
  for (const std::string body :
       {R"([1, 2])", R"("inputs")", R"({})", R"({"input": "a"})", R"({"inputs": 3})", R"({"inputs": null})",
        R"({"inputs": [1]})", R"({"inputs": [["a"], "b"]})", R"({"inputs": [["a", "b", "c"]]})",
        R"({"inputs": [[]]})", R"({"inputs": "a", "truncate": "yes"})", R"({"inputs": "a", "raw_scores": 1})",
        R"({"inputs": "a", "truncation_direction": "up"})", R"({"inputs": [{"text": "a"}]})"}) {
    EXPECT_EQ(predict_error(body), std::make_pair(422, std::string("validation"))) << body;
  }
}

TEST(PredictRequest, DeepNestingIsRefusedBeforeItIsBuilt) {
  const std::string deep = R"({"inputs": )" + std::string(100000, '[') + std::string(100000, ']') + "}";
  EXPECT_EQ(predict_error(deep), std::make_pair(422, std::string("validation")));
  std::string shallow = R"({"inputs": "a", "x": )" + std::string(kMaxJsonDepth - 2, '[') +
                        std::string(kMaxJsonDepth - 2, ']') + "}";
  EXPECT_EQ(predict_error(shallow).first, 0);
}

TEST(PredictRequest, NullOptionsTakeTheirDefaults) {
  const PredictRequest request =
      parse_predict_request(R"({"inputs": "a", "truncate": null, "truncation_direction": null, "raw_scores": null})", 32);
  EXPECT_FALSE(request.truncate.has_value());
  EXPECT_FALSE(request.raw_scores);
}

TEST(TokenizeRequest, TakesAStringOrAListOfStrings) {
  const TokenizeRequest one = parse_tokenize_request(R"({"inputs": "a b"})", 32);
  EXPECT_FALSE(one.batch);
  EXPECT_TRUE(one.add_special_tokens);
  EXPECT_EQ(one.inputs, std::vector<std::string>{"a b"});
  const TokenizeRequest two = parse_tokenize_request(R"({"inputs": ["a", "b"], "add_special_tokens": false})", 32);
  EXPECT_TRUE(two.batch);
  EXPECT_FALSE(two.add_special_tokens);
  EXPECT_EQ(two.inputs.size(), 2u);
  EXPECT_THROW(parse_tokenize_request(R"({"inputs": [["a"]]})", 32), ApiError);
  EXPECT_THROW(parse_tokenize_request(R"({"inputs": ["a", "b"]})", 1), ApiError);
}

TEST(ApiErrorBody, HasTeisFields) {
  const ApiError error = tokenizer_error("bad text");
  EXPECT_EQ(error.status(), 422);
  EXPECT_EQ(error.body(), (nlohmann::json{{"error", "bad text"}, {"error_type", "tokenizer"}}));
}

}  // namespace
}  // namespace textclass::serve
