// AG News: "class","title","description" with class 1-4 and no header, prepared as the notebook
// does: df["text"] = (title + " " + description).str.replace("\\", " "), label = class - 1. The
// backslashes are the dataset's escapes for newlines ("\n" written as backslash-n).
#include <algorithm>
#include <charconv>
#include <fmt/core.h>

#include "textclass/data/csv_reader.hpp"
#include "textclass/data/readers.hpp"
#include "textclass/error.hpp"

namespace textclass::data {

Dataset parse_agnews(const std::string& text, const std::string& name, std::vector<std::string> class_names) {
  Dataset dataset;
  const int class_count = static_cast<int>(class_names.size());
  CsvReader reader(text, name);
  CsvRecord record;
  while (reader.next(record)) {
    if (record.fields.size() != 3) {
      throw error_at(name, record.line, fmt::format("expected 3 columns (class, title, description), found {}",
                                                    record.fields.size()));
    }
    const std::string& label = record.fields[0];
    int class_number = 0;
    const auto [end, ec] = std::from_chars(label.data(), label.data() + label.size(), class_number);
    if (ec != std::errc() || end != label.data() + label.size() || class_number < 1 || class_number > class_count) {
      throw error_at(name, record.line, fmt::format("label '{}' is outside the classes: expected 1-{}", label, class_count));
    }
    std::string joined = record.fields[1] + " " + record.fields[2];
    std::replace(joined.begin(), joined.end(), '\\', ' ');
    dataset.texts.push_back(std::move(joined));
    dataset.labels.push_back(class_number - 1);
  }
  dataset.class_names = std::move(class_names);
  return dataset;
}

}  // namespace textclass::data
