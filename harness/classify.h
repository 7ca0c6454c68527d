// Decides each worker's outcome from a trial's observation, with the
// evidence in words, and computes the blast radius (workers other than the
// target whose outcome is not completed or disconnected).
#ifndef FAULTLAB_HARNESS_CLASSIFY_H_
#define FAULTLAB_HARNESS_CLASSIFY_H_

#include <functional>

#include "harness/result.h"
#include "harness/scenario.h"
#include "harness/symbolizer.h"
#include "harness/trial.h"

namespace faultlab {

// `sym` may be null (frames keep raw addresses only). `cancelled` (may be
// empty) is asked now and then during long work (a sink's digest over a
// long stream); when it says true the result is left incomplete.
TrialResult Classify(const Scenario& s, const TrialObservation& obs,
                     Symbolizer* sym,
                     const std::function<bool()>& cancelled = {});

}  // namespace faultlab

#endif  // FAULTLAB_HARNESS_CLASSIFY_H_
