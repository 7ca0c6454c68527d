// Verdicts a user can trust: a fault that never fired shows nothing, a
// scenario that states nothing says so, the same event gets the same
// outcome whatever the role, and a worker's verdict does not depend on
// where the trial's end happens to fall.
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "tests/e2e_util.h"

namespace faultlab::testing {
namespace {

using nlohmann::json;

std::string WriteScenario(const std::string& yaml) {
  std::string path = TempDir() + "/scenario.yaml";
  std::ofstream(path) << yaml;
  return path;
}

const json* FindCheck(const json& result, const std::string& placement,
                      const std::string& check) {
  for (const json& p : result["scenarios"][0]["placements"])
    if (p["placement"] == placement)
      for (const json& c : p["expectations"])
        if (c["check"] == check) return &c;
  return nullptr;
}

// An idle target lives 50 ms; its fault is due at 1 s: it never fires.
constexpr char kNeverFires[] = R"(
name: never_fires
deadline_ms: 2000
placements: [process]
workers:
  - {role: producer, messages: 20, interval_us: 0}
  - {role: sink}
  - {role: idle, interval_us: 50000}
channels:
  - {from: producer, to: sink}
fault: {target: idle, kind: segfault, trigger: {after_ms: 1000}}
)";

TEST(E2eVerdictTest, AFaultThatNeverFiredIsNotExercisedAndFails) {
  RunOutput r = RunFaultlab(
      {"run", WriteScenario(std::string(kNeverFires) +
                            "expect: {process: {contained: true}}\n")});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  const json* fired = FindCheck(r.json, "process", "the fault fired");
  ASSERT_NE(fired, nullptr) << r.json.dump(1);
  EXPECT_FALSE((*fired)["passed"].get<bool>());
  EXPECT_EQ((*fired)["actual"],
            "not exercised: the fault (after 1000 ms) never fired");
  const json& t = Trial(r.json, "process");
  EXPECT_FALSE(t["fault_fired"].get<bool>());
  EXPECT_TRUE(t["fault_fired_ms"].is_null());
  EXPECT_NE(r.out.find("not exercised"), std::string::npos) << r.out;
}

TEST(E2eVerdictTest, AFaultAllowedNotToFirePasses) {
  RunOutput r = RunFaultlab(
      {"run", WriteScenario(
                  std::string(kNeverFires) +
                  "expect: {process: {contained: true, fault_fired: any}}\n")});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

TEST(E2eVerdictTest, NoExpectationsIsFlaggedAndFailsUnderStrict) {
  const std::string path = WriteScenario(R"(
name: unchecked
deadline_ms: 2000
placements: [thread]
workers:
  - {role: producer, messages: 10, interval_us: 0}
  - {role: sink}
channels:
  - {from: producer, to: sink}
fault: {target: sink, kind: abort, trigger: {after_messages: 3}}
)");
  RunOutput r = RunFaultlab({"run", path});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  const json& p = r.json["scenarios"][0]["placements"][0];
  EXPECT_TRUE(p["no_expectations"].get<bool>());
  const json* stated = FindCheck(r.json, "thread", "expectations stated");
  ASSERT_NE(stated, nullptr);
  EXPECT_TRUE((*stated)["passed"].get<bool>());
  EXPECT_NE((*stated)["actual"].get<std::string>().find("no expectations"),
            std::string::npos);
  EXPECT_NE(r.out.find("no expectations"), std::string::npos) << r.out;
  r = RunFaultlab({"run", path, "--strict"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
}

// A victim reading from both a producer and a relay dies; both writers have
// policy continue and carry on with their other reader. The same event (a
// reader lost, work carried on) ends both the same way.
TEST(E2eVerdictTest, LosingAReaderUnderContinueIsTheSameForEveryRole) {
  RunOutput r = RunFaultlab({"run", WriteScenario(R"(
name: continue_same
deadline_ms: 4000
placements: [process]
workers:
  - {role: producer, messages: 200, interval_us: 500, policy: continue}
  - {role: relay, policy: continue}
  - {role: sink, name: keep}
  - {role: sink, name: victim}
channels:
  - {from: producer, to: relay}
  - {from: relay, to: keep}
  - {from: producer, to: victim}
  - {from: relay, to: victim}
fault: {target: victim, kind: segfault, trigger: {after_messages: 20}}
expect:
  process:
    target: crashed
    workers: {producer: disconnected, relay: disconnected, keep: completed}
)")});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(
      Worker(r.json, "process", "relay[0]")["detail"].get<std::string>().find(
          "victim[0]"),
      std::string::npos)
      << Worker(r.json, "process", "relay[0]").dump();
}

// A sink's interval_us paces its reads (a slow consumer): 20 reads 5 ms
// apart cannot end sooner than 95 ms, and the stream still verifies.
TEST(E2eVerdictTest, ASinksIntervalPacesItsReads) {
  RunOutput r = RunFaultlab({"run", WriteScenario(R"(
name: slow_sink
deadline_ms: 4000
placements: [process]
workers:
  - {role: producer, messages: 20, interval_us: 0}
  - {role: sink, interval_us: 5000}
channels:
  - {from: producer, to: sink}
fault: {kind: none}
expect:
  process: {others: completed}
)")});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_GE(Trial(r.json, "process")["duration_ms"].get<double>(), 95.0);
  EXPECT_TRUE(Worker(r.json, "process", "sink[0]")["verified"].get<bool>());
}

}  // namespace
}  // namespace faultlab::testing
