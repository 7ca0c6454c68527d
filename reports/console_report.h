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

struct ConsoleOptions {
  bool color = false;
  // With repeated trials: every trial in full, not only the failing ones.
  bool verbose = false;
  // Terminal columns: worker rows are cut to fit ("…"); 0, no limit.
  size_t width = 0;
};

// As above; a placement of several trials shows its pass rate, each worker's
// outcome distribution and each check's rate, then only the failing trials
// (all of them when `verbose`), each with the command line that reruns it.
std::string RenderConsole(const nlohmann::json& scenario_result,
                          const ConsoleOptions& opts);

}  // namespace faultlab::reports

#endif  // FAULTLAB_REPORTS_CONSOLE_REPORT_H_
