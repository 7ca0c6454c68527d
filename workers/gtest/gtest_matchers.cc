// The matchers of <faultlab/gtest.h>.
//
// A matcher given a run that did not happen (or a placement the run does
// not have) also records a test failure of its own, once: otherwise
// Not(IsContained("thread")) would pass on a faultlab that never ran.
#include <faultlab/gtest.h>

#include <atomic>
#include <utility>

namespace faultlab::testing {
namespace {

using ::testing::MatchResultListener;

class RunMatcher : public ::testing::MatcherInterface<const ScenarioRun&> {
 protected:
  // False, explained and reported, when the run did not happen.
  bool CheckRan(const ScenarioRun& run, MatchResultListener* l) const {
    if (run.ok()) return true;
    *l << "faultlab did not judge the scenario: " << run.error();
    ReportOnce("faultlab did not judge the scenario: " + run.error());
    return false;
  }
  void ReportOnce(const std::string& why) const {
    if (!reported_.exchange(true)) ADD_FAILURE() << why;
  }

 private:
  mutable std::atomic<bool> reported_{false};
};

// A condition every trial of one placement must meet.
class TrialMatcher : public RunMatcher {
 public:
  explicit TrialMatcher(std::string placement)
      : placement_(std::move(placement)) {}

  bool MatchAndExplain(const ScenarioRun& run,
                       MatchResultListener* l) const final {
    if (!CheckRan(run, l)) return false;
    const PlacementResult* p = run.placement(placement_);
    std::string why;
    if (p == nullptr)
      why = "the run has no placement '" + placement_ + "' (it has " +
            run.PlacementNames() + ")";
    else if (!p->error.empty())
      why = "placement " + placement_ + " had a harness error: " + p->error;
    else if (p->trials.empty())
      why = "placement " + placement_ + " ran no trial";
    if (!why.empty()) {
      *l << why;
      ReportOnce(why);
      return false;
    }
    for (const TrialResult& t : p->trials) {
      ::testing::StringMatchResultListener inner;
      if (!MatchTrial(t, &inner)) {
        *l << "in placement " << placement_ << " (seed " << t.seed << "), "
           << inner.str();
        return false;
      }
    }
    *l << "in placement " << placement_ << ", as every trial shows";
    return true;
  }
  void DescribeTo(std::ostream* os) const final {
    *os << "in placement " << placement_ << ", ";
    Describe(os, false);
  }
  void DescribeNegationTo(std::ostream* os) const final {
    *os << "in placement " << placement_ << ", ";
    Describe(os, true);
  }

 protected:
  virtual bool MatchTrial(const TrialResult& t,
                          MatchResultListener* l) const = 0;
  virtual void Describe(std::ostream* os, bool negated) const = 0;

 private:
  std::string placement_;
};

class BlastRadiusMatcher : public TrialMatcher {
 public:
  BlastRadiusMatcher(std::string placement, ::testing::Matcher<int> radius)
      : TrialMatcher(std::move(placement)), radius_(std::move(radius)) {}

 protected:
  bool MatchTrial(const TrialResult& t, MatchResultListener* l) const override {
    *l << "the blast radius is " << t.blast_radius << Hit(t);
    return radius_.Matches(t.blast_radius);
  }
  void Describe(std::ostream* os, bool negated) const override {
    *os << "has a blast radius that ";
    if (negated)
      radius_.DescribeNegationTo(os);
    else
      radius_.DescribeTo(os);
  }

 private:
  // Who was hit, so a failure names them.
  static std::string Hit(const TrialResult& t) {
    std::string s;
    for (const WorkerResult& w : t.workers)
      if (w.outcome != "completed" && w.outcome != "disconnected")
        s += (s.empty() ? " (" : ", ") + w.name + " " + w.outcome;
    return s.empty() ? "" : s + ")";
  }
  ::testing::Matcher<int> radius_;
};

class ContainedMatcher : public BlastRadiusMatcher {
 public:
  explicit ContainedMatcher(std::string placement)
      : BlastRadiusMatcher(std::move(placement), ::testing::Eq(0)) {}

 protected:
  void Describe(std::ostream* os, bool negated) const override {
    *os << (negated ? "the fault spread (blast radius > 0)"
                    : "the fault is contained (blast radius 0)");
  }
};

class OutcomeMatcher : public TrialMatcher {
 public:
  OutcomeMatcher(std::string placement, std::string worker, std::string outcome)
      : TrialMatcher(std::move(placement)),
        worker_(std::move(worker)),
        outcome_(std::move(outcome)) {}

 protected:
  bool MatchTrial(const TrialResult& t, MatchResultListener* l) const override {
    std::vector<const WorkerResult*> ws = FindWorkers(t, worker_);
    if (ws.empty()) {
      std::string names;
      for (const WorkerResult& w : t.workers)
        names += (names.empty() ? "" : ", ") + w.name;
      *l << "there is no worker " << worker_ << " (there are " << names << ")";
      return false;
    }
    for (const WorkerResult* w : ws) {
      if (w->outcome != outcome_) {
        *l << w->name << " is " << w->outcome;
        if (!w->detail.empty()) *l << ": " << w->detail;
        return false;
      }
    }
    *l << worker_ << " is " << outcome_;
    return true;
  }
  void Describe(std::ostream* os, bool negated) const override {
    *os << worker_ << (negated ? " is not " : " is ") << outcome_;
  }

 private:
  std::string worker_;
  std::string outcome_;
};

class HangCycleMatcher : public TrialMatcher {
 public:
  HangCycleMatcher(std::string placement,
                   ::testing::Matcher<const std::vector<std::string>&> cycle)
      : TrialMatcher(std::move(placement)), cycle_(std::move(cycle)) {}

 protected:
  bool MatchTrial(const TrialResult& t, MatchResultListener* l) const override {
    *l << "the wait-for cycle is " << ::testing::PrintToString(t.hang_cycle);
    return cycle_.Matches(t.hang_cycle);
  }
  void Describe(std::ostream* os, bool negated) const override {
    *os << "the wait-for cycle ";
    if (negated)
      cycle_.DescribeNegationTo(os);
    else
      cycle_.DescribeTo(os);
  }

 private:
  ::testing::Matcher<const std::vector<std::string>&> cycle_;
};

class PassedMatcher : public RunMatcher {
 public:
  bool MatchAndExplain(const ScenarioRun& run,
                       MatchResultListener* l) const override {
    if (!CheckRan(run, l)) return false;
    if (run.passed()) {
      *l << "every expectation was met";
      return true;
    }
    std::string sep;
    for (const PlacementResult& p : run.placements()) {
      if (!p.error.empty()) *l << sep << p.name << ": " << p.error, sep = "; ";
      for (const std::string& c : p.failed_checks)
        *l << sep << p.name << ": expected " << c, sep = "; ";
    }
    if (sep.empty()) *l << "faultlab exited " << run.exit_code();
    return false;
  }
  void DescribeTo(std::ostream* os) const override {
    *os << "meets its scenario's expectations";
  }
  void DescribeNegationTo(std::ostream* os) const override {
    *os << "fails some of its scenario's expectations";
  }
};

class RanMatcher : public ::testing::MatcherInterface<const ScenarioRun&> {
 public:
  bool MatchAndExplain(const ScenarioRun& run,
                       MatchResultListener* l) const override {
    if (!run.ok()) *l << run.error();
    return run.ok();
  }
  void DescribeTo(std::ostream* os) const override {
    *os << "was judged by faultlab";
  }
  void DescribeNegationTo(std::ostream* os) const override {
    *os << "was not judged by faultlab";
  }
};

}  // namespace

::testing::Matcher<const ScenarioRun&> Ran() {
  return ::testing::MakeMatcher(new RanMatcher);
}

::testing::Matcher<const ScenarioRun&> Passed() {
  return ::testing::MakeMatcher(new PassedMatcher);
}

::testing::Matcher<const ScenarioRun&> IsContained(std::string placement) {
  return ::testing::MakeMatcher(new ContainedMatcher(std::move(placement)));
}

::testing::Matcher<const ScenarioRun&> HasBlastRadius(
    std::string placement, ::testing::Matcher<int> radius) {
  return ::testing::MakeMatcher(
      new BlastRadiusMatcher(std::move(placement), std::move(radius)));
}

::testing::Matcher<const ScenarioRun&> HasWorkerOutcome(std::string placement,
                                                        std::string worker,
                                                        std::string outcome) {
  return ::testing::MakeMatcher(new OutcomeMatcher(
      std::move(placement), std::move(worker), std::move(outcome)));
}

::testing::Matcher<const ScenarioRun&> HasHangCycle(
    std::string placement,
    ::testing::Matcher<const std::vector<std::string>&> cycle) {
  return ::testing::MakeMatcher(
      new HangCycleMatcher(std::move(placement), std::move(cycle)));
}

}  // namespace faultlab::testing
