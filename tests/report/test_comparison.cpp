// `compare`'s library side: loading run folders (and refusing what cannot be compared), the
// Markdown against a hand-checked golden file, and the HTML page's self-containedness.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "report_test_support.hpp"
#include "textclass/report/comparison_markdown.hpp"
#include "textclass/report/comparison_run.hpp"
#include "textclass/report/html_comparison.hpp"

namespace textclass::report {
namespace {

using testing::error_message;
using testing::ScratchDir;

const std::filesystem::path kFixtures = std::filesystem::path(TEXTCLASS_SOURCE_DIR) / "tests/report/fixtures";

std::string read(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<ComparedRun> fixture_runs() { return load_compared_runs({kFixtures / "bert", kFixtures / "baseline"}); }

// A run folder in `dir` whose metrics.json has the given class names.
std::filesystem::path write_run(const ScratchDir& dir, const std::string& name, const std::vector<std::string>& classes) {
  std::filesystem::create_directories(dir.path() / name);
  std::vector<int> labels(classes.size());
  for (std::size_t c = 0; c < classes.size(); ++c) labels[c] = static_cast<int>(c);
  dir.write(name + "/metrics.json", metrics_to_json(compute_metrics(labels, labels, classes), "m", "d").dump());
  return dir.path() / name;
}

TEST(CompareRuns, LoadsMetricsAndTrainingLog) {
  const auto runs = fixture_runs();
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[0].name, "bert");
  EXPECT_EQ(runs[0].model, "bert-base-cased");
  EXPECT_EQ(runs[0].metrics.total, 7600);
  ASSERT_TRUE(runs[0].log.has_value());
  EXPECT_EQ(runs[0].log->steps.size(), 40u);
  ASSERT_EQ(runs[0].log->evaluations.size(), 3u);
  EXPECT_EQ(runs[0].log->evaluations[1].step, 13500);
  EXPECT_DOUBLE_EQ(*runs[0].log->evaluations[1].score, 0.9436);
  EXPECT_EQ(runs[1].name, "baseline");
  EXPECT_FALSE(runs[1].log.has_value());
  EXPECT_FALSE(runs[1].metrics.loss.has_value());
}

TEST(CompareRuns, MarkdownMatchesTheGoldenFile) {
  EXPECT_EQ(comparison_markdown(fixture_runs()), read(kFixtures / "comparison.golden.md"));
}

TEST(CompareRuns, ThirdRunAddsItsDifferenceFromTheFirst) {
  ScratchDir dir;
  const auto perfect = write_run(dir, "perfect", {"World", "Sports", "Business", "Sci/Tech"});
  const std::string markdown =
      comparison_markdown(load_compared_runs({kFixtures / "bert", kFixtures / "baseline", perfect}));
  EXPECT_NE(markdown.find("| class | bert | baseline | perfect | baseline − bert | perfect − bert |\n"),
            std::string::npos) << markdown;
  EXPECT_NE(markdown.find("| World | 0.9544 | 0.9161 | 1.0000 | -0.0383 | +0.0456 |\n"), std::string::npos) << markdown;
}

TEST(CompareRuns, FolderWithoutMetricsIsAOneLineError) {
  ScratchDir dir;
  std::filesystem::create_directories(dir.path() / "empty");
  const std::string message = error_message([&] { load_compared_runs({kFixtures / "bert", dir.path() / "empty"}); });
  EXPECT_EQ(message, (dir.path() / "empty").string() + ": no metrics.json in this run folder (evaluate writes it)");
  EXPECT_EQ(error_message([&] { load_compared_runs({dir.path() / "missing"}); }),
            (dir.path() / "missing").string() + ": no such run folder");
}

TEST(CompareRuns, DifferentClassesAreAOneLineError) {
  ScratchDir dir;
  const auto two = write_run(dir, "two", {"neg", "pos"});
  EXPECT_EQ(error_message([&] { load_compared_runs({kFixtures / "bert", two}); }),
            two.string() + " has classes (neg, pos) but " + (kFixtures / "bert").string() +
                " has (World, Sports, Business, Sci/Tech): runs must share their classes");
}

TEST(CompareRuns, MalformedFilesNameThePlace) {
  ScratchDir dir;
  const auto run = write_run(dir, "run", {"a", "b"});
  dir.write("run/log.jsonl", "{\"step\": 1, \"epoch\": 0.1, \"loss\": 0.5}\n\n{\"step\": 2, \"epoch\": 0.2, \"loss\": \"x\"}\n");
  EXPECT_EQ(error_message([&] { load_compared_runs({run}); }), (run / "log.jsonl").string() + ":3: \"loss\" is not a number");
  dir.write("run/log.jsonl", "{\"step\": 1, \"epoch\": 0.1, \"loss\": 0.5}\nnot json\n");
  EXPECT_EQ(error_message([&] { load_compared_runs({run}); }), (run / "log.jsonl").string() + ":2: not a JSON object");
  dir.write("run/metrics.json", "{\"class_names\": [\"a\", \"b\"]}");
  EXPECT_EQ(error_message([&] { load_compared_runs({run}); }),
            (run / "metrics.json").string() + ": metrics has no \"per_class\"");
  dir.write("run/metrics.json", "{");
  EXPECT_EQ(error_message([&] { load_compared_runs({run}); }), (run / "metrics.json").string() + ": not valid JSON");
}

TEST(CompareRuns, FoldersOfTheSameNameAreNamedByPath) {
  ScratchDir dir;
  const auto first = write_run(dir, "a/run", {"x", "y"});
  const auto second = write_run(dir, "b/run/", {"x", "y"});
  const auto runs = load_compared_runs({first, second});
  EXPECT_EQ(runs[0].name, first.string());
  EXPECT_EQ(runs[1].name, (dir.path() / "b/run").string());
}

TEST(CompareHtml, IsOneSelfContainedPageWithTheCharts) {
  const std::string html = comparison_html(fixture_runs());
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("src="), std::string::npos);
  EXPECT_EQ(html.find("<link rel=\"stylesheet\""), std::string::npos);
  // The only URL is SVG's namespace name, which is never fetched.
  std::size_t urls = 0, namespaces = 0;
  for (std::size_t at = html.find("http"); at != std::string::npos; at = html.find("http", at + 1)) ++urls;
  for (std::size_t at = html.find("xmlns=\"http://www.w3.org/2000/svg\""); at != std::string::npos;
       at = html.find("xmlns=\"http://www.w3.org/2000/svg\"", at + 1)) {
    ++namespaces;
  }
  EXPECT_EQ(urls, namespaces);
  const auto count = [&](const std::string& needle) {
    std::size_t n = 0;
    for (std::size_t at = html.find(needle); at != std::string::npos; at = html.find(needle, at + 1)) ++n;
    return n;
  };
  EXPECT_EQ(count("class=\"chart heatmap\""), 2u);  // one confusion matrix per run
  EXPECT_EQ(count("aria-label=\"F1 score per class\""), 1u);
  EXPECT_EQ(count("aria-label=\"Loss\""), 1u);
  EXPECT_EQ(count("aria-label=\"Evaluation accuracy\""), 1u);
  EXPECT_EQ(count("<svg"), count("</svg>"));
  EXPECT_NE(html.find("<td class=\"num down\">-0.0383</td>"), std::string::npos);
}

TEST(CompareHtml, EscapesNamesAndLeavesOutCurvesWithoutLogs) {
  ScratchDir dir;
  const auto a = write_run(dir, "a", {"<b>", "R&D"});
  const auto b = write_run(dir, "b", {"<b>", "R&D"});
  const std::string html = comparison_html(load_compared_runs({a, b}));
  EXPECT_EQ(html.find("<b>"), std::string::npos);
  EXPECT_NE(html.find("&lt;b&gt;"), std::string::npos);
  EXPECT_NE(html.find("R&amp;D"), std::string::npos);
  EXPECT_EQ(html.find("Training curves"), std::string::npos);
}

}  // namespace
}  // namespace textclass::report
