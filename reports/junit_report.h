// JUnit XML for CI test reporters (Jenkins, GitLab, GitHub actions).
#ifndef FAULTLAB_REPORTS_JUNIT_REPORT_H_
#define FAULTLAB_REPORTS_JUNIT_REPORT_H_

#include <nlohmann/json.hpp>
#include <string>

namespace faultlab::reports {

// Renders `result` (reports/RESULT_FORMAT.md) as a <testsuites> document: one
// <testsuite> per scenario, one <testcase classname="faultlab.<scenario>"
// name="<placement>"> per placement, a <failure> when the placement failed its
// expectations, and the per-worker outcomes in <system-out>. Output is
// well-formed XML 1.0 whatever the input strings hold; this never throws.
std::string RenderJunit(const nlohmann::json& result);

// Pieces of the same document, for a file written as trials finish
// (harness/result_stream.h). Start tags come without their closing '>', so
// the writer can pad them to a fixed width and rewrite them in place.
std::string JunitHead();  // the XML declaration line
std::string JunitSuitesTag(int tests, int failures, double seconds);
std::string JunitSuiteTag(const nlohmann::json& result,
                          const nlohmann::json& scenario, int tests,
                          int failures, double seconds);
// One <testcase> for trial `number` of a placement, named "thread #3";
// `placement` holds that trial only, and its own checks.
std::string RenderJunitTrialCase(const nlohmann::json& scenario,
                                 const nlohmann::json& placement, int number);
// A placement's time as its testcase reports it.
double JunitSeconds(const nlohmann::json& placement);

}  // namespace faultlab::reports

#endif  // FAULTLAB_REPORTS_JUNIT_REPORT_H_
