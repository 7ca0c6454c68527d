// Verdicts over repeated trials. Each trial is judged on its own (every
// check of its placement's expectation, passed or not); a placement is then
// judged check by check over its trials: a check holds when the fraction of
// trials it held in reaches its required rate (1.0, every trial, unless the
// scenario says otherwise). Pure functions over the result model, so a run
// and a merge of shard results reach the same verdict from the same trials.
#ifndef FAULTLAB_HARNESS_VERDICT_H_
#define FAULTLAB_HARNESS_VERDICT_H_

#include <map>
#include <string>
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

// The same verdict kept up as trials come: Add() each judged trial once,
// then JudgePlacement(tally, p) costs the same after the 400th trial as
// after the 1st (a run judges its placement after every trial).
class PlacementTally {
 public:
  void Add(const TrialResult& t);

 private:
  friend void JudgePlacement(const PlacementTally& tally, PlacementResult* p);
  // A check's distinct actual texts are kept up to this many from trials
  // where it held and as many from trials where it failed (so what went
  // wrong is always shown); later new ones are counted together. A text
  // that varies by trial ("fired at 3.9 ms") would otherwise make the
  // placement's actual, and the cost of judging it after each trial, grow
  // with the run.
  static constexpr int kMaxActuals = 8;
  struct Check {
    double required_rate = 1.0;
    int failed = 0;
    std::vector<std::pair<std::string, int>> actuals;  // text, trials
    int held_texts = 0, failed_texts = 0;  // kept, by how their trial went
    int other_trials = 0;                  // trials whose text was not kept
  };
  int trials_ = 0, passed_trials_ = 0;
  std::vector<uint64_t> failing_seeds_;
  std::vector<std::string> order_;  // checks, as the first trial listed them
  std::map<std::string, Check> checks_;
  std::vector<std::string> workers_;  // in order of first appearance
  std::map<std::string, std::map<Outcome, int>> outcomes_;
};
void JudgePlacement(const PlacementTally& tally, PlacementResult* p);

}  // namespace faultlab

#endif  // FAULTLAB_HARNESS_VERDICT_H_
