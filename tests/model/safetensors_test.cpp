// The safetensors reader and writer: round trips, 16-bit storage, and corrupt files refused with
// messages that name the file and the problem.
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>

#include <gtest/gtest.h>

#include "textclass/error.hpp"
#include "textclass/model/safetensors_file.hpp"
#include "textclass/model/safetensors_writer.hpp"

namespace textclass::model {
namespace {

class SafetensorsTest : public ::testing::Test {
 protected:
  std::string dir = (std::filesystem::temp_directory_path() /
                     ("textclass_safetensors_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
                      "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name()))
                        .string();
  void SetUp() override { std::filesystem::create_directories(dir); }
  void TearDown() override { std::filesystem::remove_all(dir); }

  // A file with this exact header text followed by these data bytes.
  std::string raw_file(const std::string& name, const std::string& header, const std::string& data,
                       uint64_t declared_header_size) {
    std::string path = dir + "/" + name;
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(&declared_header_size), 8);
    out << header << data;
    return path;
  }
  std::string raw_file(const std::string& name, const std::string& header, const std::string& data) {
    return raw_file(name, header, data, header.size());
  }

  // The Error message from opening a file, or "" if it opened.
  static std::string open_error(const std::string& path) {
    try {
      SafetensorsFile file(path);
    } catch (const Error& e) {
      return e.what();
    }
    return "";
  }
};

TEST_F(SafetensorsTest, WriteThenReadGivesBackNamesShapesValuesAndMetadata) {
  std::vector<float> a = {1.5f, -2.0f, 3.25f, 0.0f, 1e-30f, -7.0f};
  std::vector<float> b = {42.0f};
  std::string path = dir + "/model.safetensors";
  write_safetensors(path, {{"layer.a", {2, 3}, a.data()}, {"b", {1}, b.data()}}, {{"format", "pt"}});
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
  SafetensorsFile file(path);
  EXPECT_EQ(file.names(), (std::vector<std::string>{"b", "layer.a"}));
  EXPECT_EQ(file.info("layer.a").shape, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(file.info("layer.a").dtype, "F32");
  EXPECT_EQ(file.read_floats("layer.a"), a);
  EXPECT_EQ(file.read_floats("b"), b);
  EXPECT_EQ(file.metadata().at("format"), "pt");
}

TEST_F(SafetensorsTest, WriterOutputIsAlignedForOtherReaders) {
  std::vector<float> a = {1.0f, 2.0f, 3.0f};
  std::string path = dir + "/aligned.safetensors";
  write_safetensors(path, {{"x", {3}, a.data()}});
  uint64_t header_size = 0;
  std::ifstream in(path, std::ios::binary);
  in.read(reinterpret_cast<char*>(&header_size), 8);
  EXPECT_EQ(header_size % 8, 0u);  // the data buffer starts 8-byte aligned, as the reference writes it
  EXPECT_EQ(std::filesystem::file_size(path), 8 + header_size + 12);
}

TEST_F(SafetensorsTest, HalfAndBFloat16AreWidenedExactly) {
  // IEEE binary16: 1.0 = 0x3C00, -2.5 = 0xC100, 65504 (largest) = 0x7BFF, 2^-24 (smallest
  // subnormal) = 0x0001, -0 = 0x8000, inf = 0x7C00. bfloat16: the top 16 bits of the fp32.
  const uint16_t f16[] = {0x3C00, 0xC100, 0x7BFF, 0x0001, 0x8000, 0x7C00};
  const uint16_t bf16[] = {0x3F80, 0xC020, 0x4049, 0xFF80};  // 1, -2.5, 3.140625, -inf
  std::string data(reinterpret_cast<const char*>(f16), sizeof f16);
  data.append(reinterpret_cast<const char*>(bf16), sizeof bf16);
  std::string header = R"({"h":{"dtype":"F16","shape":[6],"data_offsets":[0,12]},)"
                       R"("bf":{"dtype":"BF16","shape":[2,2],"data_offsets":[12,20]}})";
  SafetensorsFile file(raw_file("half.safetensors", header, data));
  std::vector<float> h = file.read_floats("h");
  EXPECT_EQ(h[0], 1.0f);
  EXPECT_EQ(h[1], -2.5f);
  EXPECT_EQ(h[2], 65504.0f);
  EXPECT_EQ(h[3], std::ldexp(1.0f, -24));
  EXPECT_EQ(h[4], 0.0f);
  EXPECT_TRUE(std::signbit(h[4]));
  EXPECT_EQ(h[5], std::numeric_limits<float>::infinity());
  EXPECT_EQ(file.read_floats("bf"), (std::vector<float>{1.0f, -2.5f, 3.140625f, -std::numeric_limits<float>::infinity()}));
}

TEST_F(SafetensorsTest, IntegerTensorsReadAsInt32) {
  const int64_t values[] = {101, -3, 0};
  std::string data(reinterpret_cast<const char*>(values), sizeof values);
  SafetensorsFile file(raw_file("ints.safetensors", R"({"ids":{"dtype":"I64","shape":[3],"data_offsets":[0,24]}})", data));
  EXPECT_EQ(file.read_ints("ids"), (std::vector<int32_t>{101, -3, 0}));
  EXPECT_THROW(file.read_floats("ids"), Error);
}

TEST_F(SafetensorsTest, HeaderSizeBeyondTheFileIsRefused) {
  std::string path = raw_file("big.safetensors", "{}", "", 1000);
  std::string message = open_error(path);
  EXPECT_NE(message.find(path), std::string::npos) << message;
  EXPECT_NE(message.find("header size 1000"), std::string::npos) << message;
}

TEST_F(SafetensorsTest, FileShorterThanTheSizeFieldIsRefused) {
  std::string path = dir + "/short.safetensors";
  std::ofstream(path) << "abc";
  EXPECT_NE(open_error(path).find("too short"), std::string::npos);
}

TEST_F(SafetensorsTest, HeaderThatIsNotJsonIsRefused) {
  std::string message = open_error(raw_file("notjson.safetensors", "{\"a\": [1, 2", ""));
  EXPECT_NE(message.find("not valid JSON"), std::string::npos) << message;
}

TEST_F(SafetensorsTest, OffsetsOutsideTheDataAreRefused) {
  std::string message =
      open_error(raw_file("offsets.safetensors", R"({"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})", "12345678"));
  EXPECT_NE(message.find("tensor w"), std::string::npos) << message;
  EXPECT_NE(message.find("outside the data buffer of 8 bytes"), std::string::npos) << message;
}

TEST_F(SafetensorsTest, ShapeThatDisagreesWithTheBytesIsRefused) {
  std::string message =
      open_error(raw_file("shape.safetensors", R"({"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", "12345678"));
  EXPECT_NE(message.find("shape [3] of F32 needs 12 bytes but its data offsets hold 8"), std::string::npos) << message;
}

TEST_F(SafetensorsTest, OverflowingShapeIsRefused) {
  std::string message = open_error(raw_file(
      "overflow.safetensors", R"({"w":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,0]}})", ""));
  EXPECT_NE(message.find("too large"), std::string::npos) << message;
}

TEST_F(SafetensorsTest, UnknownDtypeAndMissingFieldsAreRefused) {
  EXPECT_NE(open_error(raw_file("dtype.safetensors", R"({"w":{"dtype":"Q4","shape":[1],"data_offsets":[0,1]}})", "x"))
                .find("unknown dtype Q4"),
            std::string::npos);
  EXPECT_NE(open_error(raw_file("fields.safetensors", R"({"w":{"dtype":"F32","shape":[1]}})", "1234")).find("data_offsets"),
            std::string::npos);
}

TEST_F(SafetensorsTest, MissingFileAndMissingTensorNameThePath) {
  EXPECT_NE(open_error(dir + "/absent.safetensors").find("absent.safetensors: cannot open"), std::string::npos);
  std::vector<float> a = {1.0f};
  write_safetensors(dir + "/one.safetensors", {{"x", {1}, a.data()}});
  SafetensorsFile file(dir + "/one.safetensors");
  try {
    file.read_floats("y");
    FAIL() << "reading an absent tensor succeeded";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("one.safetensors: no tensor named y"), std::string::npos) << e.what();
  }
}

TEST_F(SafetensorsTest, WritingIntoAMissingDirectoryFailsCleanly) {
  std::vector<float> a = {1.0f};
  EXPECT_THROW(write_safetensors(dir + "/no/such/dir/x.safetensors", {{"x", {1}, a.data()}}), Error);
}

}  // namespace
}  // namespace textclass::model
