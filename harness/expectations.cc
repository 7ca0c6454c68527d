#include "harness/expectations.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace faultlab {
namespace {

std::string SetText(const OutcomeSet& set) {
  std::vector<std::string> names;
  for (Outcome o : set) names.emplace_back(OutcomeName(o));
  return names.size() == 1
             ? names[0]
             : absl::StrCat("one of [", absl::StrJoin(names, ", "), "]");
}

bool In(const OutcomeSet& set, Outcome o) {
  return std::find(set.begin(), set.end(), o) != set.end();
}

CheckResult CheckWorker(const WorkerResult& w, const OutcomeSet& set,
                        double rate) {
  return {absl::StrCat(w.name, " is ", SetText(set)), In(set, w.outcome),
          std::string(OutcomeName(w.outcome)), rate};
}

bool Compare(int a, const std::string& op, int b) {
  if (op == ">") return a > b;
  if (op == ">=") return a >= b;
  if (op == "<") return a < b;
  if (op == "<=") return a <= b;
  return a == b;
}

}  // namespace

CheckResult CheckFired(const Scenario& s, std::optional<bool> want,
                       const TrialResult& t) {
  if (s.faults.empty()) return {};
  const bool one = t.faults.size() == 1;
  std::vector<std::string> unfired;
  for (const FaultResult& f : t.faults)
    if (!f.fired)
      unfired.push_back(
          one ? absl::StrCat("the fault (", f.trigger, ")")
              : absl::StrCat(f.kind, " in ", f.target, " (", f.trigger, ")"));
  std::string actual;
  if (unfired.empty())
    actual = one && t.fault_fired_ms
                 ? absl::StrFormat("fired at %.1f ms", *t.fault_fired_ms)
                 : std::string(one ? "fired" : "every fault fired");
  else
    actual = absl::StrCat(
        "not exercised: ", absl::StrJoin(unfired, ", "), " never fired",
        unfired.size() < t.faults.size()
            ? absl::StrCat(" (", t.faults.size() - unfired.size(), " of ",
                           t.faults.size(), " fired)")
            : "");
  if (!want)
    return {one ? "the fault fired or not (any)"
                : "the faults fired or not "
                  "(any)",
            true, actual};
  const bool none_fired = unfired.size() == t.faults.size();
  if (*want)
    return {one ? "the fault fired" : "every fault fired", unfired.empty(),
            actual};
  return {one ? "the fault did not fire" : "no fault fired", none_fired,
          actual};
}

std::vector<CheckResult> CheckExpectation(const Scenario& s,
                                          const Expectation& e,
                                          const TrialResult& t) {
  std::vector<CheckResult> out;
  if (!s.faults.empty()) out.push_back(CheckFired(s, e.fault_fired, t));
  // `target` holds for every fault's target; a worker named under
  // `workers:` is checked there, not against `others`.
  if (e.target)
    for (const Fault& f : s.faults)
      out.push_back(
          CheckWorker(t.workers[f.target], *e.target, e.RateOf("target")));
  auto named = [&](size_t w) {
    for (const auto& [name, set] : e.workers)
      if (s.workers[w].name == name || s.workers[w].group == name) return true;
    return false;
  };
  if (e.others)
    for (size_t w = 0; w < t.workers.size(); ++w)
      if (!s.IsTarget(w) && !named(w))
        out.push_back(CheckWorker(t.workers[w], *e.others, e.RateOf("others")));
  for (const auto& [name, set] : e.workers)
    for (size_t w = 0; w < s.workers.size(); ++w)
      if (s.workers[w].name == name || s.workers[w].group == name)
        out.push_back(CheckWorker(t.workers[w], set,
                                  e.RateOf(absl::StrCat("workers.", name))));
  if (e.blast_radius) {
    const BlastCheck& b = *e.blast_radius;
    out.push_back({absl::StrCat("blast radius ",
                                b.op == "==" ? "is " : b.op + " ", b.value),
                   Compare(t.blast_radius, b.op, b.value),
                   absl::StrCat(t.blast_radius), e.RateOf("blast_radius")});
  }
  if (e.contained)
    out.push_back({*e.contained ? "contained" : "not contained",
                   (t.blast_radius == 0) == *e.contained,
                   t.blast_radius == 0
                       ? "contained"
                       : absl::StrCat("blast radius ", t.blast_radius),
                   e.RateOf("contained")});
  return out;
}

}  // namespace faultlab
