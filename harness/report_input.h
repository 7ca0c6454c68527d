// `faultlab report`'s reading of its inputs, apart from the files: a
// results document parsed and checked, several merged into one (the shards
// of a run), and the result rendered. The fuzz target tests/fuzz/report_fuzz.cc
// drives these same functions. Every error is InvalidArgument with the
// message `faultlab report` prints; no exception leaves them.
#ifndef FAULTLAB_HARNESS_REPORT_INPUT_H_
#define FAULTLAB_HARNESS_REPORT_INPUT_H_

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace faultlab {

// The deepest nesting a results document may have; faultlab writes about
// ten levels. Deeper input is refused: rendering and writing it recurse.
inline constexpr int kMaxResultDepth = 64;

// `text` as a faultlab.result/1 document; `name` names it in errors.
[[nodiscard]] absl::StatusOr<nlohmann::json> ParseResultDocument(
    std::string_view text, const std::string& name);

// One document as it is (byte for byte when written again); several are
// merged (harness/merge.h). `names[i]` names `docs[i]`.
[[nodiscard]] absl::StatusOr<nlohmann::json> CombineResults(
    std::vector<nlohmann::json> docs, const std::vector<std::string>& names);

struct ReportRequest {
  bool json = false, html = false, junit = false;
  bool console = false;  // every scenario as console text
};
struct RenderedReport {
  std::string json, html, junit, console;
};

// Renders what `want` asks for. A document whose shape the renderers cannot
// read is refused, naming `name`.
[[nodiscard]] absl::StatusOr<RenderedReport> RenderReport(
    const nlohmann::json& result, const ReportRequest& want,
    const std::string& name);

}  // namespace faultlab

#endif  // FAULTLAB_HARNESS_REPORT_INPUT_H_
