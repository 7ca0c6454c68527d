// Why Wilson and not the normal approximation: with few trials and rates near
// 0 or 1 (the usual case: a fault that crashes its thread in 29 of 30 runs)
// p ± z·sqrt(p(1-p)/n) leaves [0, 1] or collapses to a point at 30/30; the
// Wilson score interval stays inside [0, 1] and keeps a width at the ends.
#include "harness/verdict.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace faultlab {
namespace {

constexpr double kZ95 = 1.959963984540054;

// A rate reached when held/trials >= required, tolerant of the rounding of a
// YAML decimal (0.9 * 10 trials is 9 held, not 9.000000000000002).
bool Reached(int held, int trials, double required) {
  return trials > 0 && held >= required * trials - 1e-9;
}

// "crashed", or "crashed ×28, completed ×2" in order of first appearance,
// and "… and 390 trials with other values" past the texts kept.
std::string ActualText(const std::vector<std::pair<std::string, int>>& seen,
                       int other_trials, int trials) {
  if (seen.size() == 1 && seen[0].second == trials) return seen[0].first;
  std::vector<std::string> parts;
  for (const auto& [text, n] : seen)
    parts.push_back(absl::StrCat(text, " ×", n));
  if (other_trials > 0)
    parts.push_back(absl::StrCat("and ", other_trials, " trial",
                                 other_trials == 1 ? "" : "s",
                                 " with other values"));
  return absl::StrJoin(parts, ", ");
}

}  // namespace

RateInterval Wilson95(int successes, int trials) {
  if (trials <= 0) return {0, 1};
  const double n = trials, p = double(successes) / n, z2 = kZ95 * kZ95;
  const double denom = 1 + z2 / n;
  const double center = (p + z2 / (2 * n)) / denom;
  const double half =
      kZ95 / denom * std::sqrt(p * (1 - p) / n + z2 / (4 * n * n));
  // At 0 or every trial the open end is exact, not 1 - 1e-16.
  return {successes <= 0 ? 0.0 : std::max(0.0, center - half),
          successes >= trials ? 1.0 : std::min(1.0, center + half)};
}

void JudgeTrial(TrialResult* t) {
  t->passed = true;
  for (const CheckResult& c : t->checks) t->passed = t->passed && c.passed;
}

void PlacementTally::Add(const TrialResult& t) {
  ++trials_;
  if (t.passed) {
    ++passed_trials_;
  } else {
    failing_seeds_.push_back(t.seed);
  }
  // Checks by their text. A check a trial does not list counts as held
  // there (a check that is only listed when it fails, such as "the fault
  // fired", still counts every trial).
  for (const CheckResult& c : t.checks) {
    auto [it, fresh] = checks_.try_emplace(c.check);
    if (fresh) order_.push_back(c.check);
    Check& k = it->second;
    k.required_rate = std::min(k.required_rate, c.required_rate);
    if (!c.passed) ++k.failed;
    auto a = std::find_if(k.actuals.begin(), k.actuals.end(),
                          [&](const auto& x) { return x.first == c.actual; });
    int& kept = c.passed ? k.held_texts : k.failed_texts;
    if (a == k.actuals.end() && kept == kMaxActuals) {
      ++k.other_trials;
    } else if (a == k.actuals.end()) {
      ++kept;
      k.actuals.emplace_back(c.actual, 1);
    } else {
      ++a->second;
    }
  }
  for (const WorkerResult& w : t.workers) {
    if (!outcomes_.count(w.name)) workers_.push_back(w.name);
    ++outcomes_[w.name][w.outcome];
  }
}

void JudgePlacement(const PlacementTally& tally, PlacementResult* p) {
  const int n = tally.trials_;
  PlacementSummary& sum = p->summary;
  sum = PlacementSummary{};
  sum.trials = n;
  sum.passed_trials = tally.passed_trials_;
  sum.failing_seeds = tally.failing_seeds_;
  sum.pass_interval = Wilson95(sum.passed_trials, n);
  for (const std::string& w : tally.workers_) {
    WorkerOutcomes wo{w, {}};
    const std::map<Outcome, int>& counts = tally.outcomes_.at(w);
    for (Outcome o : kAllOutcomes)
      if (auto it = counts.find(o); it != counts.end() && it->second)
        wo.counts.emplace_back(o, it->second);
    sum.outcomes.push_back(std::move(wo));
  }
  p->expectations.clear();
  p->passed = true;
  for (const std::string& name : tally.order_) {
    const PlacementTally::Check& k = tally.checks_.at(name);
    PlacementCheck c;
    c.check = name;
    c.required_rate = k.required_rate;
    c.trials = n;
    c.held = n - k.failed;
    c.interval = Wilson95(c.held, n);
    c.passed = Reached(c.held, n, k.required_rate);
    c.actual = ActualText(k.actuals, k.other_trials, n);
    p->passed = p->passed && c.passed;
    p->expectations.push_back(std::move(c));
  }
}

void JudgePlacement(PlacementResult* p) {
  PlacementTally tally;
  for (const TrialResult& t : p->trials) tally.Add(t);
  JudgePlacement(tally, p);
}

}  // namespace faultlab
