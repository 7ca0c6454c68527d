// Plain-text report of one scenario, for the terminal and CI logs.
#ifndef FAULTLAB_REPORTS_CONSOLE_REPORT_H_
#define FAULTLAB_REPORTS_CONSOLE_REPORT_H_

#include <nlohmann/json.hpp>
#include <string>

namespace faultlab::reports {

// Renders one element of result["scenarios"] (reports/RESULT_FORMAT.md): a
// header line with name and verdict, then per placement and trial a summary
// line, an aligned worker table, the crash with up to 8 frames and the failed
// expectations. ANSI colours only when `color` is true. Control characters
// from the input are replaced, so the output cannot drive the terminal.
std::string RenderConsole(const nlohmann::json& scenario_result,
                          bool color = false);

}  // namespace faultlab::reports

#endif  // FAULTLAB_REPORTS_CONSOLE_REPORT_H_
