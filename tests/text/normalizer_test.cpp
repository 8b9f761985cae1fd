// BertNormalizer's steps, each on and off. Expected strings follow from the rules in
// normalizer.hpp (and BERT's reference code), written out by hand.
#include <gtest/gtest.h>

#include "textclass/text/normalizer.hpp"

namespace textclass::text {
namespace {

std::string normalized(std::string_view text, NormalizerOptions options) {
  std::string out;
  Normalizer(options).normalize(text, out);
  return out;
}

constexpr NormalizerOptions cased{true, true, false, false};
constexpr NormalizerOptions uncased{true, true, true, true};

TEST(Normalizer, CasedKeepsCaseAndAccents) {
  EXPECT_EQ(normalized("Café ÅNGSTRÖM Straße", cased), "Café ÅNGSTRÖM Straße");
}

TEST(Normalizer, UncasedLowercasesAndStripsAccents) {
  EXPECT_EQ(normalized("Café ÅNGSTRÖM Straße", uncased), "cafe angstrom straße");
  // A decomposed accent goes too, and Greek loses its tonos.
  EXPECT_EQ(normalized("e\u0301 \u0386\u03b8\u03ae\u03bd\u03b1", uncased), "e \u03b1\u03b8\u03b7\u03bd\u03b1");
}

TEST(Normalizer, LowercaseWithoutStripAccentsKeepsAccents) {
  EXPECT_EQ(normalized("ÉCOLE Ångström", {true, true, false, true}), "école ångström");
}

TEST(Normalizer, StripAccentsWithoutLowercaseKeepsCase) {
  EXPECT_EQ(normalized("École Ångström", {true, true, true, false}), "Ecole Angstrom");
}

TEST(Normalizer, DottedCapitalILowercasesToTwoCodePoints) {
  EXPECT_EQ(normalized("\u0130", {true, true, false, true}), "i\u0307");
  // Accents are stripped before lower-casing, so the dot is gone by then.
  EXPECT_EQ(normalized("\u0130", uncased), "i");
}

TEST(Normalizer, CleanTextDeletesControlsAndMapsWhitespaceToSpace) {
  EXPECT_EQ(normalized(std::string("a\tb\nc\rd\x01" "e\x7f" "f", 12) + std::string(1, '\0') + "g", cased),
            "a b c def" "g");
  EXPECT_EQ(normalized("zero\u200bwidth\ufffd!\u00a0nb\u3000sp\u2028ls", cased), "zerowidth! nb sp ls");
  // Vertical tab and form feed are control characters first: deleted, not made spaces.
  EXPECT_EQ(normalized("a\vb\fc", cased), "abc");
}

TEST(Normalizer, CleanTextOffKeepsEverything) {
  const std::string text = "a\tb\x01" "c\u200b";
  EXPECT_EQ(normalized(text, {false, true, false, false}), text);
}

TEST(Normalizer, ChineseCharactersGetSpacesButKanaAndHangulDoNot) {
  EXPECT_EQ(normalized("東京で한국", cased), " 東  京 で한국");
  EXPECT_EQ(normalized("東京", {true, false, false, false}), "東京");
}

}  // namespace
}  // namespace textclass::text
