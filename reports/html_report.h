// One self-contained HTML page for a faultlab result (faultlab.result/1).
#ifndef FAULTLAB_REPORTS_HTML_REPORT_H_
#define FAULTLAB_REPORTS_HTML_REPORT_H_

#include <nlohmann/json.hpp>
#include <string>

namespace faultlab::reports {

// Renders `result` (the document described in reports/RESULT_FORMAT.md) as a
// complete HTML page: inline CSS and a few bytes of inline script, no external
// resource of any kind. Every string from `result` is escaped. Missing, null or
// mistyped fields render as "?" or are left out; this never throws.
std::string RenderHtml(const nlohmann::json& result);

}  // namespace faultlab::reports

#endif  // FAULTLAB_REPORTS_HTML_REPORT_H_
