// End-to-end: how a failure travels along each channel kind, asserted from
// what the peer recorded (workers[].events in the result JSON) and how it
// ended. Shipped scenarios run several trials each; the rest are small
// scenarios written here, each showing one event.
#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "tests/e2e_util.h"

namespace faultlab::testing {
namespace {

using nlohmann::json;

constexpr int kRepeat = 3;

// Every trial of placement `placement` in scenario 0.
std::vector<json> Trials(const json& result, const std::string& placement) {
  for (const auto& p : result.at("scenarios").at(0).at("placements"))
    if (p.at("placement") == placement)
      return p.at("trials").get<std::vector<json>>();
  return {};
}

const json& WorkerIn(const json& trial, const std::string& name) {
  for (const auto& w : trial.at("workers"))
    if (w.at("name") == name) return w;
  static const json kNone;
  ADD_FAILURE() << "no worker " << name;
  return kNone;
}

// The first event of `kind` on `channel` the worker recorded, or null.
json FindEvent(const json& worker, const std::string& kind,
               const std::string& channel) {
  for (const auto& e : worker.at("events"))
    if (e.at("kind") == kind && e.at("channel") == channel) return e;
  return nullptr;
}

bool Contains(const json& s, const std::string& part) {
  return s.get<std::string>().find(part) != std::string::npos;
}

// Writes `yaml` to a fresh file and returns its path.
RunOutput RunRepeated(const std::string& scenario) {
  return RunFaultlab(
      {"run", Scenario(scenario), "--repeat", std::to_string(kRepeat), "-q"});
}

TEST(E2eChannelsTest, PipeReaderDiesWriterSeesEpipe) {
  RunOutput r = RunRepeated("pipe_reader_dies.yaml");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const std::string ch = "producer[0]->sink[0]";
  ASSERT_EQ(Trials(r.json, "process").size(), size_t(kRepeat));
  for (const json& t : Trials(r.json, "process")) {
    const json& w = WorkerIn(t, "producer[0]");
    EXPECT_EQ(w["outcome"], "disconnected");
    json e = FindEvent(w, "epipe", ch);
    ASSERT_FALSE(e.is_null()) << w.dump();
    EXPECT_GE(e["bytes_queued"].get<int64_t>(), 0);
    EXPECT_TRUE(Contains(w["detail"], "EPIPE on pipe " + ch)) << w["detail"];
    EXPECT_EQ(WorkerIn(t, "sink[0]")["outcome"], "crashed");
  }
  // One process: the writer dies with the reader and never sees the EPIPE.
  for (const json& t : Trials(r.json, "thread")) {
    const json& w = WorkerIn(t, "producer[0]");
    EXPECT_EQ(w["outcome"], "collateral");
    EXPECT_TRUE(FindEvent(w, "epipe", ch).is_null());
  }
}

TEST(E2eChannelsTest, PipeReaderHangsWriterStallsOnTheFullPipe) {
  RunOutput r = RunRepeated("pipe_reader_hangs.yaml");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const std::string ch = "producer[0]->sink[0]";
  for (const char* pl : {"thread", "process"}) {
    ASSERT_EQ(Trials(r.json, pl).size(), size_t(kRepeat)) << pl;
    for (const json& t : Trials(r.json, pl)) {
      const json& w = WorkerIn(t, "producer[0]");
      EXPECT_EQ(w["outcome"], "stalled") << pl;
      json e = FindEvent(w, "blocked_full", ch);
      ASSERT_FALSE(e.is_null()) << pl << w.dump();
      // A 4 KiB pipe is one page: it is full when writes reach the page's
      // end, so 536-byte frames leave at most 7 queued, fewer when the
      // reader had consumed the page's start (its room is not reused).
      int64_t q = e["bytes_queued"].get<int64_t>();
      EXPECT_GE(q, 536) << pl;
      EXPECT_EQ(q % 536, 0) << pl;
      EXPECT_LE(q, 4096) << pl;
      EXPECT_TRUE(Contains(w["detail"], "blocked writing pipe " + ch))
          << w["detail"];
      EXPECT_TRUE(Contains(w["detail"], std::to_string(q) + " bytes queued"))
          << w["detail"];
      EXPECT_TRUE(Contains(w["detail"], "sink[0] is hung")) << w["detail"];
      EXPECT_EQ(WorkerIn(t, "sink[0]")["outcome"], "hung") << pl;
    }
  }
}

TEST(E2eChannelsTest, SocketPeerCrashReaderSeesEofWriterSeesEpipeOrReset) {
  RunOutput r = RunRepeated("socket_peer_crash.yaml");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  for (const json& t : Trials(r.json, "process")) {
    const json& sink = WorkerIn(t, "sink[0]");
    EXPECT_EQ(sink["outcome"], "disconnected");
    EXPECT_FALSE(FindEvent(sink, "eof", "relay[0]->sink[0]").is_null())
        << sink.dump();
    EXPECT_TRUE(Contains(sink["detail"], "EOF on socket relay[0]->sink[0]"))
        << sink["detail"];
    const json& prod = WorkerIn(t, "producer[0]");
    EXPECT_EQ(prod["outcome"], "disconnected");
    const std::string ch = "producer[0]->relay[0]";
    EXPECT_TRUE(!FindEvent(prod, "epipe", ch).is_null() ||
                !FindEvent(prod, "econnreset", ch).is_null())
        << prod.dump();
  }
  for (const json& t : Trials(r.json, "thread"))
    EXPECT_EQ(WorkerIn(t, "sink[0]")["outcome"], "collateral");
}

TEST(E2eChannelsTest, TcpPeerCrashBehavesLikeTheSocket) {
  std::ifstream in(Scenario("socket_peer_crash.yaml"));
  std::string yaml((std::istreambuf_iterator<char>(in)),
                   std::istreambuf_iterator<char>());
  for (size_t at; (at = yaml.find("kind: socket")) != std::string::npos;)
    yaml.replace(at, 12, "kind: tcp");
  RunOutput r = RunFaultlab({"run", WriteScenario(yaml), "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const json& sink = Worker(r.json, "process", "sink[0]");
  EXPECT_FALSE(FindEvent(sink, "eof", "relay[0]->sink[0]").is_null())
      << sink.dump();
  EXPECT_TRUE(Contains(sink["detail"], "EOF on tcp relay[0]->sink[0]"));
  const json& prod = Worker(r.json, "process", "producer[0]");
  EXPECT_EQ(prod["outcome"], "disconnected");
}

// A reader that has not read what it was sent dies: the kernel resets the
// connection instead of closing it, and the writer's next write() fails
// with ECONNRESET (UNIX socket and TCP alike).
TEST(E2eChannelsTest, ReaderDyingWithUnreadBytesResetsTheConnection) {
  for (const char* kind : {"socket", "tcp"}) {
    std::string yaml = std::string(R"(
name: reset
deadline_ms: 3000
placements: [process]
workers:
  - {role: producer, messages: 500, interval_us: 1000}
  - {role: idle, interval_us: 2000000}
channels:
  - {kind: )") + kind + R"(, from: producer, to: idle}
fault:
  target: idle[0]
  kind: segfault
  trigger: {after_ms: 100}
expect:
  process: {target: crashed, others: disconnected}
)";
    RunOutput r = RunFaultlab({"run", WriteScenario(yaml), "-q"});
    ASSERT_EQ(r.exit_code, 0) << kind << r.out << r.err;
    const json& w = Worker(r.json, "process", "producer[0]");
    EXPECT_FALSE(FindEvent(w, "econnreset", "producer[0]->idle[0]").is_null())
        << kind << w.dump();
    EXPECT_TRUE(Contains(w["detail"], std::string("ECONNRESET on ") + kind))
        << w["detail"];
  }
}

TEST(E2eChannelsTest, ShmPeerDiesInTheLockSurvivorsSeeOwnerDead) {
  RunOutput r = RunRepeated("shm_peer_crash.yaml");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  for (const json& t : Trials(r.json, "process")) {
    for (auto [name, ch] : {std::pair{"producer[0]", "producer[0]->relay[0]"},
                            std::pair{"sink[0]", "relay[0]->sink[0]"}}) {
      const json& w = WorkerIn(t, name);
      EXPECT_EQ(w["outcome"], "disconnected") << name;
      EXPECT_FALSE(FindEvent(w, "owner_dead", ch).is_null()) << w.dump();
      EXPECT_TRUE(Contains(w["detail"], std::string("owner_dead on shm ") + ch))
          << w["detail"];
      // Found out through the lock, not through the heartbeat.
      EXPECT_TRUE(FindEvent(w, "peer_dead", ch).is_null()) << w.dump();
    }
  }
  for (const json& t : Trials(r.json, "thread"))
    EXPECT_EQ(WorkerIn(t, "sink[0]")["outcome"], "collateral");
}

TEST(E2eChannelsTest, ShmPeerDiesOutsideTheLockHeartbeatTellsTheSurvivors) {
  RunOutput r = RunRepeated("shm_peer_crash_heartbeat.yaml");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  for (const json& t : Trials(r.json, "process")) {
    const json& p = WorkerIn(t, "producer[0]");
    const std::string pch = "producer[0]->relay[0]";
    EXPECT_EQ(p["outcome"], "disconnected");
    json full = FindEvent(p, "blocked_full", pch);
    ASSERT_FALSE(full.is_null()) << p.dump();
    // A 4 KiB ring of 88-byte frames holds 46 of them when full.
    EXPECT_EQ(full["bytes_queued"], 46 * 88);
    json dead = FindEvent(p, "peer_dead", pch);
    ASSERT_FALSE(dead.is_null()) << p.dump();
    EXPECT_TRUE(Contains(p["detail"], "peer_dead on shm " + pch));
    const json& s = WorkerIn(t, "sink[0]");
    EXPECT_EQ(s["outcome"], "disconnected");
    EXPECT_FALSE(FindEvent(s, "peer_dead", "relay[0]->sink[0]").is_null())
        << s.dump();
    EXPECT_TRUE(FindEvent(s, "owner_dead", "relay[0]->sink[0]").is_null());
  }
}

TEST(E2eChannelsTest, ShmWithoutHeartbeatSurvivorsWaitForEver) {
  RunOutput r =
      RunFaultlab({"run", Scenario("shm_peer_crash_no_heartbeat.yaml"), "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const json& p = Worker(r.json, "process", "producer[0]");
  EXPECT_EQ(p["outcome"], "stalled");
  EXPECT_FALSE(FindEvent(p, "blocked_full", "producer[0]->relay[0]").is_null());
  EXPECT_TRUE(FindEvent(p, "peer_dead", "producer[0]->relay[0]").is_null());
  EXPECT_TRUE(
      Contains(p["detail"], "blocked writing shm producer[0]->relay[0]"));
  EXPECT_TRUE(Contains(p["detail"], "died of SIGSEGV")) << p["detail"];
  const json& s = Worker(r.json, "process", "sink[0]");
  EXPECT_EQ(s["outcome"], "stalled");
  EXPECT_FALSE(FindEvent(s, "blocked_empty", "relay[0]->sink[0]").is_null());
  EXPECT_TRUE(Contains(s["detail"], "blocked reading shm relay[0]->sink[0]"));
}

// A hung writer looks dead through its heartbeat, in either placement: the
// reader stops as disconnected while the writer is still alive.
TEST(E2eChannelsTest, ShmHeartbeatCatchesAHungWriterInBothPlacements) {
  RunOutput r = RunFaultlab({"run", WriteScenario(R"(
name: shm_hung_writer
deadline_ms: 3000
workers:
  - {role: producer, messages: 200, interval_us: 1000}
  - {role: sink}
channels:
  - {kind: shm, from: producer, to: sink, heartbeat_ms: 100}
fault:
  target: producer[0]
  kind: hang
  variant: sleep
  trigger: {after_messages: 20}
expect:
  thread: {target: hung, others: disconnected}
  process: {target: hung, others: disconnected}
)"),
                             "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  for (const char* pl : {"thread", "process"}) {
    const json& s = Worker(r.json, pl, "sink[0]");
    json e = FindEvent(s, "peer_dead", "producer[0]->sink[0]");
    ASSERT_FALSE(e.is_null()) << pl << s.dump();
    EXPECT_TRUE(Contains(s["detail"], "peer_dead on shm producer[0]->sink[0]"));
    EXPECT_TRUE(Contains(s["detail"], "after 20 of 200 messages"))
        << s["detail"];
  }
}

// Policy wait: the writer saw EPIPE but keeps waiting; it ends stalled and
// says what it waits after.
TEST(E2eChannelsTest, PolicyWaitStallsAfterThePeerIsGone) {
  RunOutput r = RunFaultlab({"run", WriteScenario(R"(
name: wait_after_epipe
deadline_ms: 600
placements: [process]
workers:
  - {role: producer, messages: 200, interval_us: 1000, policy: wait}
  - {role: sink}
channels:
  - {kind: pipe, from: producer, to: sink}
fault:
  target: sink[0]
  kind: segfault
  trigger: {after_messages: 10}
expect:
  process: {target: crashed, others: stalled}
)"),
                             "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const json& w = Worker(r.json, "process", "producer[0]");
  EXPECT_FALSE(FindEvent(w, "epipe", "producer[0]->sink[0]").is_null());
  EXPECT_TRUE(Contains(w["detail"], "policy wait")) << w["detail"];
  EXPECT_TRUE(Contains(w["detail"], "EPIPE on pipe producer[0]->sink[0]"))
      << w["detail"];
  // It was told (EPIPE), and says so, rather than "nobody told this end".
  EXPECT_TRUE(Contains(w["detail"], "its reader sink[0] died of SIGSEGV"))
      << w["detail"];
  EXPECT_FALSE(Contains(w["detail"], "nobody told")) << w["detail"];
}

// Policy continue: the writer loses one reader and carries on to the other.
TEST(E2eChannelsTest, PolicyContinueCarriesOnWithoutTheDeadReader) {
  RunOutput r = RunFaultlab({"run", WriteScenario(R"(
name: continue_after_epipe
deadline_ms: 3000
placements: [process]
workers:
  - {role: producer, messages: 100, interval_us: 500, policy: continue}
  - {role: sink, count: 2}
channels:
  - {kind: socket, from: producer, to: sink}
fault:
  target: sink[0]
  kind: segfault
  trigger: {after_messages: 10}
expect:
  process:
    target: crashed
    workers:
      producer: disconnected
      "sink[1]": completed
)"),
                             "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const json& w = Worker(r.json, "process", "producer[0]");
  EXPECT_EQ(w["messages"], 100);
  EXPECT_TRUE(Contains(w["detail"], "1 readers left")) << w["detail"];
  EXPECT_TRUE(Contains(w["detail"], "producer[0]->sink[0]")) << w["detail"];
  EXPECT_EQ(Worker(r.json, "process", "sink[1]")["verified"], true);
}

// A fault inside the ring's critical section that does not kill releases
// the lock when it returns: the reader gets every message, nobody hangs.
TEST(E2eChannelsTest, FaultThatReturnsInsideTheRingLockReleasesIt) {
  RunOutput r =
      RunFaultlab({"run", SourceDir() + "/tests/data/in_lock_returns.yaml",
                   "--repeat", "3"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  for (const char* pl : {"thread", "process"})
    for (const json& t : Trials(r.json, pl)) {
      EXPECT_EQ(WorkerIn(t, "sink[0]")["messages"], 100) << pl;
      EXPECT_TRUE(t["hang"].is_null()) << t["hang"].dump();
      EXPECT_FALSE(t["deadline_hit"].get<bool>()) << pl;
    }
}

// A peer stuck inside the ring's critical section: the wait for the ring
// lock is published, so the writer is stalled and the trial ends early.
TEST(E2eChannelsTest, WaitForARingLockHeldByAHungPeerIsStalled) {
  RunOutput r = RunFaultlab(
      {"run", SourceDir() + "/tests/data/in_lock_hang.yaml", "--repeat", "2"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  for (const char* pl : {"thread", "process"})
    for (const json& t : Trials(r.json, pl)) {
      EXPECT_FALSE(t["deadline_hit"].get<bool>()) << pl;
      const std::string detail = WorkerIn(t, "producer[0]")["detail"];
      EXPECT_TRUE(Contains(detail, "blocked writing shm producer[0]->sink[0]"))
          << detail;
      EXPECT_TRUE(Contains(detail, "sink[0] is hung")) << detail;
    }
}

// Each scenario's expect: holds: a scribble fired inside the ring lock does
// not relock it (the sink is corrupted, nobody hangs), and a sink waiting
// for any of its live, sending inputs at the deadline is killed like them,
// not stalled.
TEST(E2eChannelsTest, InLockScribbleAndBusyFanInEndAsExpected) {
  RunOutput r = RunFaultlab(
      {"run", SourceDir() + "/tests/data/in_lock_scribble.yaml",
       SourceDir() + "/tests/data/fan_in_busy.yaml", "--repeat", "2"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  for (const json& p : r.json["scenarios"][0]["placements"])
    for (const json& t : p["trials"]) {
      EXPECT_TRUE(t["hang"].is_null()) << t["hang"].dump();
      EXPECT_FALSE(t["deadline_hit"].get<bool>());
    }
}

TEST(E2eChannelsTest, ListNamesEveryChannelKindAndPolicy) {
  RunOutput r = RunFaultlab({"list"}, false);
  ASSERT_EQ(r.exit_code, 0);
  for (const char* word : {"pipe", "socket", "tcp", "shm", "heartbeat_ms",
                           "in_lock", "stop", "wait", "continue"})
    EXPECT_NE(r.out.find(word), std::string::npos) << word;
}

}  // namespace
}  // namespace faultlab::testing
