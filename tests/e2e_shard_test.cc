// End-to-end: sharding. The shards of a run split it at trial granularity,
// deterministically, with nothing left out and nothing twice; the CI
// environments' variables (GoogleTest's, Bazel's with its status file) pick
// the shard as --shard does; and `faultlab report` merges the shards' results
// into the verdicts of the unsharded run.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <fstream>
#include <map>
#include <set>

#include "tests/e2e_util.h"

namespace faultlab::testing {
namespace {

using nlohmann::json;

std::vector<std::string> Run12() {  // 2 scenarios x 2 placements x 3
  return {"run", Scenario("segfault.yaml"), Scenario("exit.yaml"), "--repeat",
          "3"};
}

std::vector<std::string> With(std::vector<std::string> a,
                              const std::vector<std::string>& more) {
  a.insert(a.end(), more.begin(), more.end());
  return a;
}

// run_index -> seed, over every trial of a result.
std::map<int64_t, uint64_t> Trials(const json& r) {
  std::map<int64_t, uint64_t> out;
  for (const json& s : r["scenarios"])
    for (const json& p : s["placements"])
      for (const json& t : p["trials"]) {
        EXPECT_TRUE(out.emplace(t["run_index"], t["seed"]).second);
      }
  return out;
}

// What a verdict is made of, without times or pids.
json Verdicts(const json& r) {
  json out = json::array();
  for (const json& s : r["scenarios"])
    for (const json& p : s["placements"]) {
      json checks = json::array();
      for (const json& c : p["expectations"])
        checks.push_back({c["check"], c["passed"], c["held"], c["trials"],
                          c["required_rate"]});
      json trials = json::array();
      for (const json& t : p["trials"])
        trials.push_back({t["run_index"], t["seed"], t["passed"]});
      json summary = p["summary"];
      summary.erase("wilson95");
      out.push_back({s["name"], s["passed"], p["placement"], p["passed"],
                     checks, summary, trials, p["summary"]["wilson95"]});
    }
  return out;
}

TEST(E2eShardTest, ShardsAreDisjointTheirUnionIsTheRunAndTheyMergeBack) {
  RunOutput whole = RunFaultlab(Run12());
  ASSERT_TRUE(whole.json.is_object()) << whole.err;
  EXPECT_EQ(whole.json["trials_planned"], 12);
  std::map<int64_t, uint64_t> all = Trials(whole.json);
  ASSERT_EQ(all.size(), 12u);
  std::map<int64_t, uint64_t> joined;
  std::vector<std::string> files;
  for (int k = 1; k <= 3; ++k) {
    RunOutput r =
        RunFaultlab(With(Run12(), {"--shard", std::to_string(k) + "/3"}));
    ASSERT_TRUE(r.json.is_object()) << r.err;
    EXPECT_EQ(r.exit_code, whole.exit_code) << r.out;
    EXPECT_EQ(r.json["shard"], json({{"index", k - 1}, {"total", 3}}));
    EXPECT_EQ(r.json["trials_planned"], 12);
    std::map<int64_t, uint64_t> mine = Trials(r.json);
    EXPECT_EQ(mine.size(), 4u);
    for (auto [index, seed] : mine) {
      EXPECT_EQ(index % 3, k - 1);
      EXPECT_EQ(seed, all.at(index)) << index;
      EXPECT_TRUE(joined.emplace(index, seed).second) << "twice: " << index;
    }
    // Keep this shard's result for the merge.
    std::string file = TempDir() + "/shard" + std::to_string(k) + ".json";
    std::ofstream(file) << r.json.dump();
    files.push_back(file);
  }
  EXPECT_EQ(joined, all);

  std::string out = TempDir();
  RunOutput merged = RunFaultlab(
      {"report", files[2], files[0], files[1], "--json", out + "/m.json",
       "--junit", out + "/m.xml", "--html", out + "/m.html"},
      false);
  EXPECT_EQ(merged.exit_code, whole.exit_code) << merged.err;
  std::ifstream in(out + "/m.json");
  json m = json::parse(in);
  EXPECT_EQ(Verdicts(m), Verdicts(whole.json));
  EXPECT_TRUE(m["complete"].get<bool>());
  EXPECT_EQ(m["passed"], whole.json["passed"]);
  struct stat st;
  EXPECT_EQ(stat((out + "/m.xml").c_str(), &st), 0);
  EXPECT_EQ(stat((out + "/m.html").c_str(), &st), 0);

  // A shard left out is an error, not a smaller run.
  RunOutput missing = RunFaultlab(
      {"report", files[0], files[2], "--json", out + "/x.json"}, false);
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("shard 2 of 3 is missing"), std::string::npos)
      << missing.err;
}

// The trials a sharded --list shows.
std::string Listed(const std::vector<std::string>& extra) {
  RunOutput r = RunFaultlab(With(With(Run12(), {"--list"}), extra), false);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return r.out;
}

TEST(E2eShardTest, GoogleTestAndBazelEnvironmentsPickTheShard) {
  std::string flag = Listed({"--shard", "2/3"});
  EXPECT_NE(flag.find("4 trial(s)"), std::string::npos) << flag;
  EXPECT_NE(flag, Listed({"--shard", "1/3"}));

  setenv("GTEST_TOTAL_SHARDS", "3", 1);
  setenv("GTEST_SHARD_INDEX", "1", 1);
  EXPECT_EQ(Listed({}), flag);
  unsetenv("GTEST_TOTAL_SHARDS");
  unsetenv("GTEST_SHARD_INDEX");

  std::string status = TempDir() + "/shard_status";
  setenv("TEST_TOTAL_SHARDS", "3", 1);
  setenv("TEST_SHARD_INDEX", "1", 1);
  setenv("TEST_SHARD_STATUS_FILE", status.c_str(), 1);
  EXPECT_EQ(Listed({}), flag);
  struct stat st;
  EXPECT_EQ(stat(status.c_str(), &st), 0) << "Bazel's status file touched";
  // --shard wins over the environment (which says shard 2 of 3).
  std::string flag_wins = Listed({"--shard", "1/3"});
  unsetenv("TEST_TOTAL_SHARDS");
  unsetenv("TEST_SHARD_INDEX");
  unsetenv("TEST_SHARD_STATUS_FILE");
  EXPECT_EQ(flag_wins, Listed({"--shard", "1/3"}));
  EXPECT_NE(flag_wins, flag);

  for (auto [total, index] :
       {std::pair{"3", "3"}, std::pair{"0", "0"}, std::pair{"x", "1"}}) {
    setenv("GTEST_TOTAL_SHARDS", total, 1);
    setenv("GTEST_SHARD_INDEX", index, 1);
    RunOutput r = RunFaultlab(With(Run12(), {"--list"}), false);
    EXPECT_EQ(r.exit_code, 2) << total << "/" << index;
    EXPECT_NE(r.err.find("GTEST_TOTAL_SHARDS"), std::string::npos) << r.err;
  }
  unsetenv("GTEST_TOTAL_SHARDS");
  unsetenv("GTEST_SHARD_INDEX");
  for (const char* bad : {"0/3", "4/3", "1/0", "2", "a/b"}) {
    RunOutput r = RunFaultlab(With(Run12(), {"--list", "--shard", bad}), false);
    EXPECT_EQ(r.exit_code, 2) << bad;
    EXPECT_NE(r.err.find("expected K/N"), std::string::npos) << r.err;
  }
}

TEST(E2eShardTest, MoreShardsThanTrialsLeavesSomeEmpty) {
  RunOutput r = RunFaultlab({"run", Scenario("exit.yaml"), "--placement",
                             "thread", "--shard", "3/4"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  ASSERT_TRUE(r.json.is_object());
  EXPECT_TRUE(r.json["scenarios"].empty());
  EXPECT_EQ(r.json["trials_planned"], 1);
}

}  // namespace
}  // namespace faultlab::testing
