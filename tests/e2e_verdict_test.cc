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

// A heartbeat about to expire is not a worker stuck for good: the sink of a
// hung producer's shm ring stops by itself (disconnected) once the heartbeat
// expires, and the trial waits for it. Adding an unrelated idle worker that
// keeps the trial alive must not change anybody's verdict.
TEST(E2eVerdictTest, AVerdictDoesNotDependOnAnUnrelatedWorkersLifetime) {
  std::ifstream in(SourceDir() + "/tests/data/hang_heartbeat.yaml");
  std::string yaml((std::istreambuf_iterator<char>(in)),
                   std::istreambuf_iterator<char>());
  std::string with_idle = yaml;
  with_idle.replace(
      with_idle.find("  - {role: relay}\n"), 18,
      "  - {role: relay}\n  - {role: idle, interval_us: 1500000}\n");
  RunOutput a = RunFaultlab({"run", WriteScenario(yaml)});
  RunOutput b = RunFaultlab({"run", WriteScenario(with_idle)});
  ASSERT_EQ(a.exit_code, 0) << a.out << a.err;
  ASSERT_EQ(b.exit_code, 0) << b.out << b.err;
  for (const char* pl : {"thread", "process"}) {
    for (const char* w : {"producer[0]", "sink[0]", "side[0]", "relay[0]"})
      EXPECT_EQ(Worker(a.json, pl, w)["outcome"],
                Worker(b.json, pl, w)["outcome"])
          << pl << " " << w;
    EXPECT_EQ(Worker(a.json, pl, "sink[0]")["outcome"], "disconnected") << pl;
    EXPECT_EQ(Trial(a.json, pl)["blast_radius"],
              Trial(b.json, pl)["blast_radius"])
        << pl;
    EXPECT_FALSE(Trial(a.json, pl)["deadline_hit"].get<bool>()) << pl;
  }
}

// A worker waiting on a peer that is alive and working is not stalled: at
// the deadline it is killed, wherever the deadline falls in the pacing.
TEST(E2eVerdictTest, WaitingOnAHealthyPeerAtTheDeadlineIsKilledNotStalled) {
  for (int deadline : {700, 800, 900}) {
    RunOutput r = RunFaultlab({"run", WriteScenario(R"(
name: slow_peer
deadline_ms: )" + std::to_string(deadline) + R"(
placements: [thread, process]
workers:
  - {role: producer, messages: 50, interval_us: 200000}
  - {role: relay}
  - {role: sink}
channels:
  - {from: producer, to: relay}
  - {kind: shm, from: relay, to: sink}
fault: {kind: none}
expect:
  thread: {others: killed}
  process: {others: killed}
)")});
    EXPECT_EQ(r.exit_code, 0) << deadline << r.out << r.err;
    for (const char* pl : {"thread", "process"}) {
      const std::string detail = Worker(r.json, pl, "sink[0]")["detail"];
      EXPECT_NE(detail.find("still waiting at the deadline"), std::string::npos)
          << detail;
      EXPECT_NE(detail.find("relay[0] is alive"), std::string::npos) << detail;
    }
  }
}

}  // namespace
}  // namespace faultlab::testing
