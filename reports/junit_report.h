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

}  // namespace faultlab::reports

#endif  // FAULTLAB_REPORTS_JUNIT_REPORT_H_
