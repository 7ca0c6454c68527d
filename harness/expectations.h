// Checks a trial's outcomes against a scenario's `expect:` block for its
// placement. Every check is listed, passed or not, with what was found.
#ifndef FAULTLAB_HARNESS_EXPECTATIONS_H_
#define FAULTLAB_HARNESS_EXPECTATIONS_H_

#include <optional>
#include <vector>

#include "harness/result.h"
#include "harness/scenario.h"

namespace faultlab {

// The fault-fired check alone: what a placement with no `expect:` is held
// to (a fault that never fired showed nothing). An empty check (no name)
// when the scenario has no fault. `want` nullopt: either is fine.
CheckResult CheckFired(const Scenario& s, std::optional<bool> want,
                       const TrialResult& t);

// Every check of `e`, the fault-fired one first.
std::vector<CheckResult> CheckExpectation(const Scenario& s,
                                          const Expectation& e,
                                          const TrialResult& t);

}  // namespace faultlab

#endif  // FAULTLAB_HARNESS_EXPECTATIONS_H_
