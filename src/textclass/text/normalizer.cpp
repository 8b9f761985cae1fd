#include "textclass/text/normalizer.hpp"

#include <utf8proc.h>

#include <cstdlib>
#include <memory>

#include "textclass/text/unicode.hpp"

namespace textclass::text {

BertNormalizer::BertNormalizer(NormalizerOptions options) : options_(options) {
  for (int c = 0; c < 128; ++c) {
    std::int16_t mapped = static_cast<std::int16_t>(c);
    if (options_.clean_text) {
      if (c == 0 || is_control(static_cast<char32_t>(c))) mapped = -1;
      if (c == '\t' || c == '\n' || c == '\r') mapped = ' ';
    }
    if (options_.lowercase && c >= 'A' && c <= 'Z') mapped = static_cast<std::int16_t>(c - 'A' + 'a');
    ascii_[static_cast<std::size_t>(c)] = mapped;
  }
}

void BertNormalizer::normalize(std::string_view text, std::string& out) const {
  out.clear();
  out.reserve(text.size() + 16);
  bool ascii_only = true;
  std::size_t i = 0;
  while (i < text.size()) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x80) {
      const std::int16_t mapped = ascii_[byte];
      if (mapped >= 0) out += static_cast<char>(mapped);
      ++i;
      continue;
    }
    ascii_only = false;
    append_non_ascii(next_code_point(text, i), out);
  }
  // NFD reorders combining marks across characters, so it needs the whole string; ASCII has no
  // decompositions and no marks, so it can skip this pass.
  if (options_.strip_accents && !ascii_only) strip_accents_and_lowercase(out);
}

void BertNormalizer::append_non_ascii(char32_t cp, std::string& out) const {
  if (options_.clean_text) {
    if (cp == 0xFFFD || is_control(cp)) return;
    if (is_whitespace(cp)) {
      out += ' ';
      return;
    }
  }
  if (options_.handle_chinese_chars && is_chinese_char(cp)) {
    out += ' ';
    append_utf8(cp, out);
    out += ' ';
    return;
  }
  // With strip_accents on, lower-casing waits for the second pass: it must follow the NFD.
  if (options_.lowercase && !options_.strip_accents) {
    append_lowercase(cp, out);
  } else {
    append_utf8(cp, out);
  }
}

void BertNormalizer::strip_accents_and_lowercase(std::string& text) const {
  const std::u32string decomposed = nfd(text);
  text.clear();
  for (const char32_t cp : decomposed) {
    if (is_nonspacing_mark(cp)) continue;
    if (options_.lowercase) {
      append_lowercase(cp, text);
    } else {
      append_utf8(cp, text);
    }
  }
}

namespace {

bool is_ascii(std::string_view text) {
  for (const char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

void unicode_form(std::string_view text, utf8proc_option_t form, std::string& out) {
  out.clear();
  if (is_ascii(text)) {  // ASCII is in every normalization form already
    out.assign(text);
    return;
  }
  utf8proc_uint8_t* mapped = nullptr;
  const auto options = static_cast<utf8proc_option_t>(UTF8PROC_STABLE | form);
  const utf8proc_ssize_t length = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(text.data()),
                                               static_cast<utf8proc_ssize_t>(text.size()), &mapped, options);
  const std::unique_ptr<utf8proc_uint8_t, decltype(&std::free)> owner(mapped, &std::free);
  if (length < 0) {  // cannot happen for valid UTF-8; keep the text rather than lose it
    out.assign(text);
    return;
  }
  out.assign(reinterpret_cast<const char*>(mapped), static_cast<std::size_t>(length));
}

}  // namespace

Normalizer::Normalizer(std::vector<NormalizerStep> steps) : steps_(std::move(steps)) {
  for (const NormalizerStep& step : steps_) bert_.emplace_back(step.bert);
}

void Normalizer::normalize(std::string_view text, std::string& out) const {
  if (steps_.empty()) {
    out.assign(text);
    return;
  }
  apply(0, text, out);
  if (steps_.size() == 1) return;
  std::string input;
  for (std::size_t step = 1; step < steps_.size(); ++step) {
    input.swap(out);
    apply(step, input, out);
  }
}

void Normalizer::apply(std::size_t index, std::string_view text, std::string& out) const {
  const NormalizerStep& step = steps_[index];
  switch (step.kind) {
    case NormalizerKind::bert:
      bert_[index].normalize(text, out);
      return;
    case NormalizerKind::nfc:
      unicode_form(text, UTF8PROC_COMPOSE, out);
      return;
    case NormalizerKind::nfd:
      unicode_form(text, UTF8PROC_DECOMPOSE, out);
      return;
    case NormalizerKind::nfkc:
      unicode_form(text, static_cast<utf8proc_option_t>(UTF8PROC_COMPOSE | UTF8PROC_COMPAT), out);
      return;
    case NormalizerKind::nfkd:
      unicode_form(text, static_cast<utf8proc_option_t>(UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT), out);
      return;
    case NormalizerKind::lowercase:
    case NormalizerKind::strip_accents: {
      out.clear();
      out.reserve(text.size());
      std::size_t i = 0;
      while (i < text.size()) {
        const char32_t cp = next_code_point(text, i);
        if (step.kind == NormalizerKind::lowercase) {
          append_lowercase(cp, out);
        } else if (!is_nonspacing_mark(cp)) {
          append_utf8(cp, out);
        }
      }
      return;
    }
    case NormalizerKind::strip: {
      std::size_t begin = 0, end = text.size();
      if (step.left) {
        while (begin < end) {
          std::size_t next = begin;
          if (!is_whitespace(next_code_point(text, next))) break;
          begin = next;
        }
      }
      if (step.right) {
        while (end > begin) {
          std::size_t start = end - 1;
          while (start > begin && is_utf8_continuation_byte(text[start])) --start;
          std::size_t next = start;
          if (!is_whitespace(next_code_point(text, next))) break;
          end = start;
        }
      }
      out.assign(text.substr(begin, end - begin));
      return;
    }
    case NormalizerKind::prepend:
      out.clear();
      if (!text.empty()) out = step.text;
      out.append(text);
      return;
    case NormalizerKind::replace: {
      out.clear();
      if (step.pattern.empty()) {
        out.assign(text);
        return;
      }
      std::size_t begin = 0;
      for (std::size_t found; (found = text.find(step.pattern, begin)) != std::string_view::npos;
           begin = found + step.pattern.size()) {
        out.append(text.substr(begin, found - begin));
        out.append(step.text);
      }
      out.append(text.substr(begin));
      return;
    }
  }
}

}  // namespace textclass::text
