// The renderers read the result with nlohmann::json's checked accessors, so
// a document of the wrong shape throws json::exception; it is caught here,
// once, and becomes "malformed result".
#include "harness/report_input.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "harness/merge.h"
#include "reports/console_report.h"
#include "reports/html_report.h"
#include "reports/junit_report.h"

namespace faultlab {

absl::StatusOr<nlohmann::json> ParseResultDocument(std::string_view text,
                                                   const std::string& name) {
  bool too_deep = false;
  // The callback sees every value with its depth; nothing is dropped.
  auto depth_guard = [&too_deep](int depth, nlohmann::json::parse_event_t,
                                 nlohmann::json&) {
    if (depth > kMaxResultDepth) too_deep = true;
    return true;
  };
  nlohmann::json j = nlohmann::json::parse(text, depth_guard, false);
  if (too_deep)
    return absl::InvalidArgumentError(
        absl::StrCat(name, ": error: nested deeper than ", kMaxResultDepth,
                     " levels; not a faultlab result"));
  if (j.is_discarded() || !j.is_object() || !j.contains("schema") ||
      !j["schema"].is_string() || j["schema"] != "faultlab.result/1")
    return absl::InvalidArgumentError(absl::StrCat(
        name, ": error: expected a faultlab.result/1 JSON document"));
  return j;
}

absl::StatusOr<nlohmann::json> CombineResults(
    std::vector<nlohmann::json> docs, const std::vector<std::string>& names) {
  if (docs.size() == 1) return std::move(docs[0]);
  try {
    return MergeResults(docs, names);
  } catch (const nlohmann::json::exception& e) {
    return absl::InvalidArgumentError(
        absl::StrCat(names.empty() ? "" : names[0],
                     ": error: malformed result: ", e.what()));
  }
}

absl::StatusOr<RenderedReport> RenderReport(const nlohmann::json& result,
                                            const ReportRequest& want,
                                            const std::string& name) {
  RenderedReport out;
  try {
    if (want.json)
      out.json =
          result.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) +
          "\n";
    if (want.html) out.html = reports::RenderHtml(result);
    if (want.junit) out.junit = reports::RenderJunit(result);
    if (want.console) {
      auto it = result.find("scenarios");
      if (it != result.end())
        for (const auto& s : *it) out.console += reports::RenderConsole(s);
    }
  } catch (const nlohmann::json::exception& e) {
    return absl::InvalidArgumentError(
        absl::StrCat(name, ": error: malformed result: ", e.what()));
  }
  return out;
}

}  // namespace faultlab
