#pragma once
// One parser per input format, each over a file's checked text (see text_file.hpp). `name` is how
// errors refer to the file. `class_names` are the known classes (for csv/jsonl they may be empty:
// the labels then define them, see labels.hpp).
#include <string>
#include <vector>

#include "textclass/data/dataset.hpp"

namespace textclass::data {

Dataset parse_agnews(const std::string& text, const std::string& name, std::vector<std::string> class_names);

Dataset parse_csv_table(const std::string& text, const std::string& name, const DatasetSpec& spec,
                        std::vector<std::string> class_names);

Dataset parse_jsonl(const std::string& text, const std::string& name, const DatasetSpec& spec,
                    std::vector<std::string> class_names);

}  // namespace textclass::data
