#include "harness/verdict.h"

#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"

namespace faultlab {
namespace {

// Newcombe, "Two-sided confidence intervals for the single proportion"
// (Statistics in Medicine 17, 1998), table I, method 3 (Wilson score).
TEST(Wilson95Test, MatchesPublishedValues) {
  struct Case {
    int k, n;
    double low, high;
  } cases[] = {{81, 263, 0.2553, 0.3662},
               {15, 148, 0.0624, 0.1605},
               {0, 20, 0.0, 0.1611},
               {1, 29, 0.0061, 0.1718}};
  for (const Case& c : cases) {
    RateInterval r = Wilson95(c.k, c.n);
    EXPECT_NEAR(r.low, c.low, 5e-5) << c.k << "/" << c.n;
    EXPECT_NEAR(r.high, c.high, 5e-5) << c.k << "/" << c.n;
  }
}

TEST(Wilson95Test, EndsAndEmpty) {
  RateInterval all = Wilson95(10, 10);
  EXPECT_EQ(all.high, 1.0);
  EXPECT_NEAR(all.low, 0.7225, 5e-5);
  RateInterval none = Wilson95(0, 10);
  EXPECT_EQ(none.low, 0.0);
  EXPECT_NEAR(none.high, 0.2775, 5e-5);
  RateInterval half = Wilson95(5, 10);
  EXPECT_NEAR(half.low, 0.2366, 5e-5);
  EXPECT_NEAR(half.high, 0.7634, 5e-5);
  RateInterval empty = Wilson95(0, 0);
  EXPECT_EQ(empty.low, 0.0);
  EXPECT_EQ(empty.high, 1.0);
}

TrialResult Trial(uint64_t seed, Outcome target, double rate = 1.0) {
  TrialResult t;
  t.seed = seed;
  WorkerResult w;
  w.name = "relay[0]";
  w.outcome = target;
  t.workers.push_back(w);
  t.checks.push_back({"relay[0] is crashed", target == Outcome::kCrashed,
                      std::string(OutcomeName(target)), rate});
  t.checks.push_back({"blast radius is 0", true, "0", 1.0});
  JudgeTrial(&t);
  return t;
}

// A judged trial of seed `seed` with one check.
TrialResult OneCheck(int seed, const char* check, bool passed,
                     std::string actual) {
  TrialResult t;
  t.seed = uint64_t(seed);
  t.checks.push_back({check, passed, std::move(actual), 1.0});
  JudgeTrial(&t);
  return t;
}

// A check whose actual text differs in every trial ("fired at 3.9 ms")
// keeps its first few texts and counts the rest, so the placement's actual
// stays short and judging it does not grow with the run.
TEST(JudgePlacementTest, ATextThatVariesByTrialKeepsItsFirstFew) {
  PlacementTally tally;
  PlacementResult p;
  for (int i = 0; i < 400; ++i)
    tally.Add(OneCheck(i, "the fault fired", true,
                       absl::StrCat("fired at ", i, ".5 ms")));
  JudgePlacement(tally, &p);
  ASSERT_EQ(p.expectations.size(), 1u);
  const PlacementCheck& c = p.expectations[0];
  EXPECT_TRUE(c.passed);
  EXPECT_EQ(c.held, 400);
  EXPECT_EQ(c.actual,
            "fired at 0.5 ms ×1, fired at 1.5 ms ×1, fired at 2.5 ms ×1, "
            "fired at 3.5 ms ×1, fired at 4.5 ms ×1, fired at 5.5 ms ×1, "
            "fired at 6.5 ms ×1, fired at 7.5 ms ×1, and 392 trials with "
            "other values");
}

// Past the cap, a trial where the check failed still shows its text: the
// placement's actual must say what went wrong.
TEST(JudgePlacementTest, AFailingTextIsShownPastTheCap) {
  PlacementTally tally;
  PlacementResult p;
  for (int i = 0; i < 20; ++i) {
    const bool late = i == 15;
    tally.Add(OneCheck(i, "the program got ready", !late,
                       late ? std::string("not ready after 5000 ms")
                            : absl::StrCat("ready after ", i, ".3 ms")));
  }
  JudgePlacement(tally, &p);
  const PlacementCheck& c = p.expectations[0];
  EXPECT_FALSE(c.passed);
  EXPECT_EQ(c.held, 19);
  EXPECT_NE(c.actual.find("not ready after 5000 ms ×1"), std::string::npos)
      << c.actual;
  EXPECT_NE(c.actual.find("and 11 trials with other values"), std::string::npos)
      << c.actual;
}

TEST(JudgePlacementTest, EveryTrialByDefault) {
  PlacementResult p;
  for (uint64_t s = 1; s <= 29; ++s)
    p.trials.push_back(Trial(s, Outcome::kCrashed));
  p.trials.push_back(Trial(30, Outcome::kCompleted));
  JudgePlacement(&p);
  EXPECT_FALSE(p.trials.back().passed);
  EXPECT_TRUE(p.trials.front().passed);
  EXPECT_FALSE(p.passed);
  EXPECT_EQ(p.summary.trials, 30);
  EXPECT_EQ(p.summary.passed_trials, 29);
  EXPECT_EQ(p.summary.failing_seeds, std::vector<uint64_t>{30});
  EXPECT_NEAR(p.summary.pass_interval.low, 0.8333, 5e-5);
  ASSERT_EQ(p.expectations.size(), 2u);
  const PlacementCheck& c = p.expectations[0];
  EXPECT_EQ(c.check, "relay[0] is crashed");
  EXPECT_EQ(c.held, 29);
  EXPECT_EQ(c.trials, 30);
  EXPECT_FALSE(c.passed);
  EXPECT_EQ(c.actual, "crashed ×29, completed ×1");
  EXPECT_TRUE(p.expectations[1].passed);
  EXPECT_EQ(p.expectations[1].actual, "0");
  ASSERT_EQ(p.summary.outcomes.size(), 1u);
  EXPECT_EQ(p.summary.outcomes[0].worker, "relay[0]");
  std::vector<std::pair<Outcome, int>> want = {{Outcome::kCompleted, 1},
                                               {Outcome::kCrashed, 29}};
  EXPECT_EQ(p.summary.outcomes[0].counts, want);
}

TEST(JudgePlacementTest, ARateIsMetAtItsThresholdAndNotBelow) {
  // 9 of 10 meets 0.9 exactly (no rounding trap); 8 of 10 does not.
  for (int crashed : {9, 8}) {
    PlacementResult p;
    for (int i = 0; i < 10; ++i)
      p.trials.push_back(
          Trial(i, i < crashed ? Outcome::kCrashed : Outcome::kCompleted, 0.9));
    JudgePlacement(&p);
    EXPECT_EQ(p.passed, crashed == 9) << crashed;
    EXPECT_EQ(p.expectations[0].required_rate, 0.9);
    // The trial's own verdict still names the check it failed.
    EXPECT_FALSE(p.trials[9].passed);
    EXPECT_EQ(p.summary.passed_trials, crashed);
  }
}

TEST(JudgePlacementTest, ACheckListedOnlyWhenItFailsCountsEveryTrial) {
  PlacementResult p;
  for (int i = 0; i < 4; ++i) {
    TrialResult t;
    t.seed = i;
    if (i == 2) t.checks.push_back({"the fault fired", false, "not fired"});
    JudgeTrial(&t);
    p.trials.push_back(t);
  }
  JudgePlacement(&p);
  ASSERT_EQ(p.expectations.size(), 1u);
  EXPECT_EQ(p.expectations[0].held, 3);
  EXPECT_EQ(p.expectations[0].trials, 4);
  EXPECT_FALSE(p.passed);
  EXPECT_EQ(p.summary.failing_seeds, std::vector<uint64_t>{2});
}

TEST(JudgePlacementTest, OneTrialKeepsItsPlainActual) {
  PlacementResult p;
  p.trials.push_back(Trial(42, Outcome::kCrashed));
  JudgePlacement(&p);
  EXPECT_TRUE(p.passed);
  EXPECT_EQ(p.expectations[0].actual, "crashed");
  EXPECT_TRUE(p.summary.failing_seeds.empty());
}

// What a run does after every trial (a tally kept up) and what judging the
// whole placement at once gives agree after each trial.
TEST(JudgePlacementTest, TallyKeptUpAgreesWithJudgingEveryTrialAgain) {
  PlacementResult running, whole;
  PlacementTally tally;
  for (uint64_t s = 1; s <= 12; ++s) {
    TrialResult t =
        Trial(s, s % 5 == 0 ? Outcome::kCompleted : Outcome::kCrashed, 0.8);
    running.trials.push_back(t);
    whole.trials.push_back(t);
    tally.Add(running.trials.back());
    JudgePlacement(tally, &running);
    JudgePlacement(&whole);
    EXPECT_EQ(running.passed, whole.passed) << "after trial " << s;
    EXPECT_EQ(running.summary.failing_seeds, whole.summary.failing_seeds);
    ASSERT_EQ(running.expectations.size(), whole.expectations.size());
    for (size_t c = 0; c < whole.expectations.size(); ++c) {
      EXPECT_EQ(running.expectations[c].actual, whole.expectations[c].actual);
      EXPECT_EQ(running.expectations[c].held, whole.expectations[c].held);
      EXPECT_EQ(running.expectations[c].passed, whole.expectations[c].passed);
    }
    ASSERT_EQ(running.summary.outcomes.size(), whole.summary.outcomes.size());
    EXPECT_EQ(running.summary.outcomes[0].counts,
              whole.summary.outcomes[0].counts);
    EXPECT_EQ(running.summary.passed_trials, whole.summary.passed_trials);
  }
}

}  // namespace
}  // namespace faultlab
