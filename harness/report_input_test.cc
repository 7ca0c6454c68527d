#include "harness/report_input.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

namespace faultlab {
namespace {

using nlohmann::json;

std::string ReadSample() {
  std::ifstream in(FAULTLAB_REPORTS_TESTDATA "/sample_result.json");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string Nested(int depth) {
  return R"({"schema":"faultlab.result/1","scenarios":[],"x":)" +
         std::string(depth, '[') + std::string(depth, ']') + "}";
}

TEST(ReportInputTest, ReadsAndRendersAResult) {
  absl::StatusOr<json> doc = ParseResultDocument(ReadSample(), "r.json");
  ASSERT_TRUE(doc.ok()) << doc.status();
  absl::StatusOr<json> one = CombineResults({*doc}, {"r.json"});
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(*one, *doc);  // one input is rendered as it is
  absl::StatusOr<RenderedReport> out = RenderReport(
      *one, {.json = true, .html = true, .junit = true, .console = true},
      "r.json");
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(json::parse(out->json), *doc);
  EXPECT_NE(out->html.find("<html"), std::string::npos);
  EXPECT_NE(out->junit.find("<testsuites"), std::string::npos);
  EXPECT_FALSE(out->console.empty());
}

TEST(ReportInputTest, RefusesWhatIsNoResultNamingTheFile) {
  for (const char* text : {"", "{", "[1]", R"({"schema":"other/1"})",
                           R"({"schema":7})", "\xff\xfe"}) {
    absl::StatusOr<json> doc = ParseResultDocument(text, "bad.json");
    ASSERT_FALSE(doc.ok()) << text;
    EXPECT_EQ(doc.status().message(),
              "bad.json: error: expected a faultlab.result/1 JSON document");
  }
}

// Writing a deeply nested document back (--json) recursed once per level
// and overflowed the stack: such input is refused when read.
TEST(ReportInputTest, RefusesDeepNestingAndKeepsTheShallow) {
  absl::StatusOr<json> deep = ParseResultDocument(Nested(200000), "d.json");
  ASSERT_FALSE(deep.ok());
  EXPECT_EQ(deep.status().message(),
            "d.json: error: nested deeper than 64 levels; not a faultlab "
            "result");
  // The top object is depth 0; the innermost of n brackets is depth n.
  EXPECT_TRUE(ParseResultDocument(Nested(kMaxResultDepth), "s.json").ok());
  EXPECT_FALSE(ParseResultDocument(Nested(kMaxResultDepth + 1), "s.json").ok());
}

// The renderers read through reports/internal/json_view.h: a field of the
// wrong type or missing is shown as absent, never an exception or a crash.
TEST(ReportInputTest, AWrongShapeStillRenders) {
  json j = json::parse(ReadSample());
  j["scenarios"][0]["name"] = 5;
  j["scenarios"][0]["placements"][0] = "not a placement";
  j["scenarios"].push_back(nullptr);
  j["summary"] = json::array({1, 2});
  absl::StatusOr<RenderedReport> out = RenderReport(
      j, {.json = true, .html = true, .junit = true, .console = true},
      "w.json");
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_NE(out->html.find("</html>"), std::string::npos);
  EXPECT_NE(out->junit.find("</testsuites>"), std::string::npos);
}

TEST(ReportInputTest, TwoResultsThatAreNoShardsAreNotMerged) {
  json j = json::parse(ReadSample());
  absl::StatusOr<json> merged = CombineResults({j, j}, {"a.json", "b.json"});
  ASSERT_FALSE(merged.ok());
  EXPECT_EQ(merged.status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace faultlab
