// Verdicts over repeated trials. Each trial is judged on its own (every
// check of its placement's expectation, passed or not); a placement is then
// judged check by check over its trials: a check holds when the fraction of
// trials it held in reaches its required rate (1.0, every trial, unless the
// scenario says otherwise). Pure functions over the result model, so a run
// and a merge of shard results reach the same verdict from the same trials.
#ifndef FAULTLAB_HARNESS_VERDICT_H_
#define FAULTLAB_HARNESS_VERDICT_H_

#include <vector>

#include "harness/result.h"

namespace faultlab {

// The Wilson score interval for `successes` of `trials` at 95% confidence
// (z = 1.959964). {0, 1} for no trials.
RateInterval Wilson95(int successes, int trials);

// Sets t->passed from t->checks: true when every check held.
void JudgeTrial(TrialResult* t);

// Fills p->expectations, p->passed and p->summary from p->trials (each
// already judged, its checks carrying their required rates).
void JudgePlacement(PlacementResult* p);

}  // namespace faultlab

#endif  // FAULTLAB_HARNESS_VERDICT_H_
