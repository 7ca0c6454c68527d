// Checks a trial's outcomes against a scenario's `expect:` block for its
// placement. Every check is listed, passed or not, with what was found.
#ifndef FAULTLAB_HARNESS_EXPECTATIONS_H_
#define FAULTLAB_HARNESS_EXPECTATIONS_H_

#include <vector>

#include "harness/result.h"
#include "harness/scenario.h"

namespace faultlab {

std::vector<CheckResult> CheckExpectation(const Scenario& s,
                                          const Expectation& e,
                                          const TrialResult& t);

}  // namespace faultlab

#endif  // FAULTLAB_HARNESS_EXPECTATIONS_H_
