// Decides each worker's outcome from a trial's observation, with the
// evidence in words, and computes the blast radius (workers other than the
// target whose outcome is not completed or disconnected).
#ifndef FAULTLAB_HARNESS_CLASSIFY_H_
#define FAULTLAB_HARNESS_CLASSIFY_H_

#include "harness/result.h"
#include "harness/scenario.h"
#include "harness/symbolizer.h"
#include "harness/trial.h"

namespace faultlab {

// `sym` may be null (frames keep raw addresses only).
TrialResult Classify(const Scenario& s, const TrialObservation& obs,
                     Symbolizer* sym);

}  // namespace faultlab

#endif  // FAULTLAB_HARNESS_CLASSIFY_H_
