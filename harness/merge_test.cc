#include "harness/merge.h"

#include <gtest/gtest.h>

#include "harness/result.h"
#include "harness/verdict.h"

namespace faultlab {
namespace {

using nlohmann::json;

// A run of two scenarios, 2 placements x 5 trials each; trial `bad` of each
// placement fails its check, and one check needs only 60% of trials.
RunResult MakeRun(int bad) {
  RunResult run;
  run.started = "2026-12-02T10:00:00Z";
  run.command = "faultlab run a.yaml b.yaml --repeat 5";
  int64_t index = 0;
  for (const char* name : {"a", "b"}) {
    ScenarioResult s;
    s.name = name;
    s.file = std::string(name) + ".yaml";
    for (const char* pl : {"thread", "process"}) {
      PlacementResult p;
      p.placement = pl;
      for (int rep = 0; rep < 5; ++rep) {
        TrialResult t;
        t.seed = 40 + rep;
        t.repetition = rep;
        t.run_index = index++;
        WorkerResult w;
        w.name = "relay[0]";
        w.outcome = rep == bad ? Outcome::kCompleted : Outcome::kCrashed;
        t.workers.push_back(w);
        t.checks = {{"relay[0] is crashed", rep != bad,
                     std::string(OutcomeName(w.outcome)), 1.0},
                    {"sink[0] is completed", rep % 2 == 0, "x", 0.6}};
        JudgeTrial(&t);
        p.trials.push_back(t);
      }
      JudgePlacement(&p);
      s.passed = s.passed && p.passed;
      s.placements.push_back(p);
    }
    run.scenarios.push_back(s);
  }
  run.trials_planned = index;
  run.complete = true;
  return run;
}

// Shard k of n as `faultlab run --shard` writes it: every nth trial.
json Shard(const RunResult& whole, int k, int n) {
  RunResult r = whole;
  r.shard = RunResult::Shard{k, n};
  r.scenarios.clear();
  for (const ScenarioResult& s : whole.scenarios) {
    ScenarioResult cut = s;
    cut.placements.clear();
    for (const PlacementResult& p : s.placements) {
      PlacementResult q = p;
      q.trials.clear();
      for (const TrialResult& t : p.trials)
        if (t.run_index % n == k) q.trials.push_back(t);
      if (q.trials.empty()) continue;
      JudgePlacement(&q);
      cut.placements.push_back(q);
    }
    if (cut.placements.empty()) continue;
    cut.passed = true;
    for (const PlacementResult& p : cut.placements)
      cut.passed = cut.passed && p.passed;
    r.scenarios.push_back(cut);
  }
  return ToJson(r);
}

TEST(MergeTest, ShardsMergeIntoTheUnshardedVerdicts) {
  for (int n : {1, 2, 3, 7, 25}) {
    RunResult whole = MakeRun(/*bad=*/2);
    json want = ToJson(whole);
    std::vector<json> docs;
    std::vector<std::string> names;
    // Given in any order.
    for (int k = n - 1; k >= 0; --k) {
      docs.push_back(Shard(whole, k, n));
      names.push_back("shard" + std::to_string(k) + ".json");
    }
    absl::StatusOr<json> got = MergeResults(docs, names);
    ASSERT_TRUE(got.ok()) << got.status();
    EXPECT_EQ((*got)["scenarios"], want["scenarios"]) << "n=" << n;
    EXPECT_EQ((*got)["passed"], want["passed"]);
    EXPECT_TRUE((*got)["complete"].get<bool>());
    EXPECT_EQ((*got)["merged_from"], json(names));
    EXPECT_TRUE((*got)["shard"].is_null());
  }
}

TEST(MergeTest, ARateIsJudgedOverTheWholeRunNotPerShard) {
  // sink[0] holds in trials 0, 2, 4: 3/5 = 60% overall, which meets 0.6,
  // while shard 2 of 2 alone (trials 1, 3 of each placement) holds in none.
  RunResult whole = MakeRun(/*bad=*/-1);
  json shard1 = Shard(whole, 1, 2);
  EXPECT_FALSE(shard1["passed"].get<bool>());
  absl::StatusOr<json> got =
      MergeResults({Shard(whole, 0, 2), shard1}, {"a.json", "b.json"});
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_TRUE((*got)["passed"].get<bool>());
  EXPECT_EQ((*got)["scenarios"], ToJson(whole)["scenarios"]);
}

TEST(MergeTest, RefusesWhatIsNotTheShardsOfOneRun) {
  RunResult whole = MakeRun(2);
  auto error = [](std::vector<json> docs) {
    std::vector<std::string> names;
    for (size_t i = 0; i < docs.size(); ++i)
      names.push_back("r" + std::to_string(i) + ".json");
    absl::StatusOr<json> r = MergeResults(docs, names);
    EXPECT_FALSE(r.ok());
    return std::string(r.status().message());
  };
  EXPECT_EQ(error({Shard(whole, 0, 3), Shard(whole, 2, 3)}),
            "error: shard 2 of 3 is missing; merge every shard's result");
  EXPECT_EQ(error({Shard(whole, 0, 2), Shard(whole, 0, 2)}),
            "r1.json: error: is shard 1 of 2 again (as is r0.json)");
  EXPECT_EQ(error({Shard(whole, 0, 2), Shard(whole, 1, 3)}),
            "r1.json: error: is shard 2 of 3, but the others are of 2");
  EXPECT_NE(error({ToJson(whole), Shard(whole, 0, 2)}).find("not a shard"),
            std::string::npos);
  // A trial in two inputs (a shard file given under two shard numbers).
  json twice = Shard(whole, 1, 2);
  twice["shard"]["index"] = 0;
  json other = Shard(whole, 1, 2);
  EXPECT_NE(error({twice, other}).find("is in another input too"),
            std::string::npos);
}

TEST(MergeTest, AnIncompleteShardLeavesTheMergeIncomplete) {
  RunResult whole = MakeRun(2);
  json a = Shard(whole, 0, 2), b = Shard(whole, 1, 2);
  b["complete"] = false;
  absl::StatusOr<json> got = MergeResults({a, b}, {"a", "b"});
  ASSERT_TRUE(got.ok());
  EXPECT_FALSE((*got)["complete"].get<bool>());
}

}  // namespace
}  // namespace faultlab
