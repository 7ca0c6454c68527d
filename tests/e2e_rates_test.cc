// End-to-end: repeated trials. Each trial carries its own verdict, each
// placement its pass rate, outcome distribution and failing seeds, and the
// rerun line printed for a failing trial reruns exactly that trial.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>

#include "tests/e2e_util.h"

namespace faultlab::testing {
namespace {

using nlohmann::json;

std::string Data(const std::string& name) {
  return SourceDir() + "/tests/data/" + name;
}

std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The check named `name` in a list of checks (a static null if none).
const json& Check(const json& checks, const std::string& name) {
  static const json kNone;
  for (const json& c : checks)
    if (c["check"] == name) return c;
  ADD_FAILURE() << "no check '" << name << "' in " << checks.dump();
  return kNone;
}

// Whatever the race decided, the placement's figures agree with its trials.
void ExpectSummaryMatchesTrials(const json& p, int n, uint64_t first_seed) {
  const json& trials = p["trials"];
  ASSERT_EQ(trials.size(), size_t(n));
  int passed = 0;
  std::vector<uint64_t> failing;
  std::map<std::string, std::map<std::string, int>> outcomes;
  std::map<std::string, int> held;
  for (int i = 0; i < n; ++i) {
    const json& t = trials[i];
    EXPECT_EQ(t["seed"], first_seed + i);
    EXPECT_EQ(t["repetition"], i);
    bool all = true;
    for (const json& c : t["checks"]) {
      all = all && c["passed"].get<bool>();
      held[c["check"]] += c["passed"].get<bool>();
    }
    EXPECT_EQ(t["passed"], all) << t["checks"].dump();
    passed += all;
    if (!all) failing.push_back(t["seed"]);
    for (const json& w : t["workers"]) ++outcomes[w["name"]][w["outcome"]];
  }
  const json& s = p["summary"];
  EXPECT_EQ(s["trials"], n);
  EXPECT_EQ(s["passed_trials"], passed);
  EXPECT_EQ(s["failing_seeds"].get<std::vector<uint64_t>>(), failing);
  using Counts = std::map<std::string, int>;
  for (const json& w : s["outcomes"]) {
    Counts got = w["counts"].get<Counts>();
    EXPECT_EQ(got, outcomes[w["worker"]]) << w.dump();
  }
  EXPECT_EQ(s["outcomes"].size(), outcomes.size());
  bool all_met = true;
  for (const json& c : p["expectations"]) {
    EXPECT_EQ(c["trials"], n);
    EXPECT_EQ(c["held"], held[c["check"]]) << c.dump();
    bool met = c["held"].get<int>() >= c["required_rate"].get<double>() * n;
    EXPECT_EQ(c["passed"], met) << c.dump();
    all_met = all_met && met;
    EXPECT_LE(c["wilson95"]["low"].get<double>(), c["rate"].get<double>());
    EXPECT_GE(c["wilson95"]["high"].get<double>(), c["rate"].get<double>());
  }
  EXPECT_EQ(p["passed"], all_met);
}

TEST(E2eRatesTest, RacyScenarioGetsPerTrialVerdictsAndRates) {
  std::string junit = TempDir() + "/junit.xml";
  RunOutput r = RunFaultlab(
      {"run", Data("racy.yaml"), "--repeat", "12", "--junit", junit});
  ASSERT_TRUE(r.json.is_object()) << r.err;
  const json& p = r.json["scenarios"][0]["placements"][0];
  ExpectSummaryMatchesTrials(p, 12, 7);
  // The racy check carries its own rate; the others need every trial.
  std::map<std::string, double> rates;
  for (const json& c : p["expectations"])
    rates[c["check"]] = c["required_rate"];
  EXPECT_EQ(rates["quick_sink[0] is completed"], 0.05);
  EXPECT_EQ(rates["long[0] is crashed"], 1.0);
  EXPECT_EQ(r.exit_code, p["passed"].get<bool>() ? 0 : 1) << r.out << r.err;
  int passed = p["summary"]["passed_trials"];
  EXPECT_NE(r.out.find("  thread   " +
                       std::string(p["passed"].get<bool>() ? "PASS" : "FAIL") +
                       "  " + std::to_string(passed) + "/12 ("),
            std::string::npos)
      << r.out;
  std::string xml = ReadText(junit);
  for (const json& seed : p["summary"]["failing_seeds"]) {
    std::string rerun = "rerun: faultlab run " + Data("racy.yaml") +
                        " --placement thread --seed " + seed.dump();
    EXPECT_NE(r.out.find(rerun), std::string::npos) << r.out;
    EXPECT_NE(xml.find(rerun), std::string::npos) << xml;
  }
  EXPECT_TRUE(ProcessesInSession(r.sid).empty());
}

TEST(E2eRatesTest, ARateDecidesTheVerdictOverTheTrials) {
  // segfault's relay crashes in every trial: "crashed" in at least half of
  // them holds, "completed" in a quarter of them does not.
  std::string base = ReadText(Scenario("segfault.yaml"));
  base = base.substr(0, base.find("expect:"));
  std::string dir = TempDir();
  for (auto [expect, rc] :
       {std::pair{"  thread: {target: {is: crashed, rate: 0.5}}\n", 0},
        std::pair{"  thread: {rate: 0.25, target: completed}\n", 1}}) {
    std::string file = dir + "/rated.yaml";
    std::ofstream(file) << base << "placements: [thread]\nexpect:\n" << expect;
    RunOutput r = RunFaultlab({"run", file, "--repeat", "4"});
    EXPECT_EQ(r.exit_code, rc) << expect << r.out << r.err;
    ASSERT_TRUE(r.json.is_object());
    const json& c =
        Check(r.json["scenarios"][0]["placements"][0]["expectations"],
              "relay[0] is " + std::string(rc == 0 ? "crashed" : "completed"));
    EXPECT_EQ(c["trials"], 4);
    EXPECT_EQ(c["held"], rc == 0 ? 4 : 0);
    EXPECT_EQ(c["required_rate"], rc == 0 ? 0.5 : 0.25);
  }
}

TEST(E2eRatesTest, TheRerunLineRerunsThatTrial) {
  RunOutput r =
      RunFaultlab({"run", Data("wrong_expectation.yaml"), "--repeat", "3"});
  ASSERT_EQ(r.exit_code, 1) << r.out << r.err;
  const json& p = r.json["scenarios"][0]["placements"][0];
  EXPECT_EQ(p["summary"]["failing_seeds"], json({3, 4, 5}));
  for (const json& t : p["trials"]) {
    EXPECT_FALSE(t["passed"].get<bool>());
    EXPECT_TRUE(Check(t["checks"], "sink[0] is crashed")["passed"].get<bool>());
    EXPECT_FALSE(
        Check(t["checks"], "producer[0] is completed")["passed"].get<bool>());
  }
  // The console shows the first failing trial in full, each failure once
  // under its own trial, and a rerun line per failing seed.
  size_t at = r.out.find("    rerun: faultlab run ");
  ASSERT_NE(at, std::string::npos) << r.out;
  EXPECT_NE(r.out.find("--seed 4\n"), std::string::npos);
  EXPECT_NE(r.out.find("failing seeds: 3, 4, 5"), std::string::npos) << r.out;
  RunOutput again = RunFaultlab({"run", Data("wrong_expectation.yaml"),
                                 "--placement", "thread", "--seed", "4"});
  EXPECT_EQ(again.exit_code, 1);
  ASSERT_TRUE(again.json.is_object());
  const json& t = again.json["scenarios"][0]["placements"][0]["trials"];
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0]["seed"], 4);
  // The same checks with the same verdicts (a time in "actual" may differ).
  ASSERT_EQ(t[0]["checks"].size(), p["trials"][1]["checks"].size());
  for (size_t i = 0; i < t[0]["checks"].size(); ++i) {
    EXPECT_EQ(t[0]["checks"][i]["check"], p["trials"][1]["checks"][i]["check"]);
    EXPECT_EQ(t[0]["checks"][i]["passed"],
              p["trials"][1]["checks"][i]["passed"]);
  }
}

}  // namespace
}  // namespace faultlab::testing
