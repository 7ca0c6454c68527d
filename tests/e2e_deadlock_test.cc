// End-to-end: deadlocks and hangs. Each flagship scenario runs several times
// per placement; every trial must name its cycle (workers and the locks or
// channels, in order), carry symbolised stacks of the hung threads, measure
// its detection latency, and end long before its deadline. No timing is
// asserted beyond "before the deadline".
#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "tests/e2e_util.h"

namespace faultlab::testing {
namespace {

using nlohmann::json;

constexpr double kDeadlineMs = 5000;  // of every scenario used here
constexpr int kRepeat = 3;

std::vector<const json*> Trials(const json& r, const std::string& placement) {
  std::vector<const json*> out;
  for (const auto& p : r.at("scenarios").at(0).at("placements"))
    if (p.at("placement") == placement)
      for (const auto& t : p.at("trials")) out.push_back(&t);
  return out;
}

const json& WorkerIn(const json& trial, const std::string& name) {
  for (const auto& w : trial.at("workers"))
    if (w.at("name") == name) return w;
  throw std::runtime_error("no worker " + name);
}

const json* StackOf(const json& trial, const std::string& worker) {
  for (const auto& s : trial.at("hang").at("stacks"))
    if (s.at("worker") == worker) return &s;
  return nullptr;
}

// The stack has a frame in `function` whose file is `file` (with a line).
bool HasFrame(const json& stack, const std::string& function,
              const std::string& file) {
  for (const auto& f : stack.at("frames"))
    if (f.value("function", "").find(function) != std::string::npos &&
        f.value("file", "") == file && f.value("line", 0) > 0)
      return true;
  return false;
}

// Checks shared by every hang trial: detected, measured, ended early, and
// the outcomes as listed.
void ExpectHangTrial(
    const json& t,
    const std::vector<std::pair<std::string, std::string>>& outcomes,
    const std::string& where) {
  SCOPED_TRACE(where);
  ASSERT_TRUE(t.at("hang").is_object()) << t.dump();
  const double detected = t["hang"]["detected_ms"].get<double>();
  EXPECT_GT(detected, 0);
  EXPECT_LT(detected, kDeadlineMs);
  ASSERT_TRUE(t["detection_latency_ms"].is_number()) << t.dump();
  EXPECT_GT(t["detection_latency_ms"].get<double>(), 0);
  EXPECT_LT(t["detection_latency_ms"].get<double>(), kDeadlineMs);
  EXPECT_LT(t["duration_ms"].get<double>(), kDeadlineMs);
  EXPECT_FALSE(t["deadline_hit"].get<bool>());
  for (const auto& [name, outcome] : outcomes)
    EXPECT_EQ(WorkerIn(t, name)["outcome"], outcome) << name;
  // Every process hosting a stuck worker was ended by faultlab.
  for (const auto& p : t["processes"])
    for (const auto& w : p["workers"]) {
      std::string o = WorkerIn(t, w)["outcome"];
      if (o == "hung" || o == "stalled") {
        EXPECT_NE(p["status"].get<std::string>().find("(by faultlab)"),
                  std::string::npos)
            << p.dump();
      }
    }
}

TEST(E2eDeadlockTest, LockOrderInversionIsNamedStackedAndContained) {
  RunOutput r = RunFaultlab(
      {"run", Scenario("deadlock.yaml"), "--repeat", std::to_string(kRepeat)});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  for (const char* pl : {"thread", "process"}) {
    std::vector<const json*> trials = Trials(r.json, pl);
    ASSERT_EQ(trials.size(), size_t(kRepeat)) << pl;
    for (const json* t : trials) {
      ExpectHangTrial(*t,
                      {{"locker[0]", "hung"},
                       {"locker[1]", "hung"},
                       {"producer[0]", "stalled"},
                       {"sink[0]", "stalled"},
                       {"feed[0]", "completed"},
                       {"archive[0]", "completed"}},
                      pl);
      EXPECT_EQ((*t)["hang"]["cycle"],
                json({"locker[0] waits for locker[1] (lock A)",
                      "locker[1] waits for locker[0] (lock B)"}));
      EXPECT_EQ((*t)["blast_radius"], 3);
      const json* target = StackOf(*t, "locker[0]");
      const json* partner = StackOf(*t, "locker[1]");
      ASSERT_TRUE(target && partner) << (*t)["hang"].dump();
      EXPECT_TRUE(HasFrame(*target, "AcquireLock", "workers/lock_table.cc"));
      EXPECT_TRUE(HasFrame(*target, "InjectLockOrder", "workers/locks.cc"));
      EXPECT_TRUE(HasFrame(*partner, "AcquireLock", "workers/lock_table.cc"));
      // The partner joins the inversion on purpose (JoinLockOrder), unless
      // the target took B while the partner, in its own unit of work, held A
      // and was about to take B: the same cycle, closed from the role's code.
      EXPECT_TRUE(HasFrame(*partner, "JoinLockOrder", "workers/locks.cc") ||
                  HasFrame(*partner, "", "workers/locker.cc"))
          << partner->dump();
      // The stalled ones are captured too, where they wait.
      const json* producer = StackOf(*t, "producer[0]");
      ASSERT_TRUE(producer);
      EXPECT_TRUE(HasFrame(*producer, "Write", "workers/channel_fd.cc"));
      EXPECT_NE(WorkerIn(*t, "sink[0]")["detail"].get<std::string>().find(
                    "locker[0] is hung"),
                std::string::npos);
    }
  }
  // Separate processes really are separate, and share only the scoreboard.
  const json& p = *Trials(r.json, "process")[0];
  EXPECT_NE(WorkerIn(p, "locker[0]")["pid"], WorkerIn(p, "locker[1]")["pid"]);
}

TEST(E2eDeadlockTest, PipeCycleNamesBothChannelsInOrder) {
  RunOutput r = RunFaultlab({"run", Scenario("pipe_deadlock.yaml"), "--repeat",
                             std::to_string(kRepeat)});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  for (const char* pl : {"thread", "process"}) {
    for (const json* t : Trials(r.json, pl)) {
      ExpectHangTrial(*t,
                      {{"left[0]", "hung"},
                       {"right[0]", "hung"},
                       {"src_a[0]", "stalled"},
                       {"src_b[0]", "stalled"},
                       {"dst_a[0]", "stalled"},
                       {"dst_b[0]", "stalled"},
                       {"feed[0]", "completed"},
                       {"archive[0]", "completed"}},
                      pl);
      EXPECT_EQ(
          (*t)["hang"]["cycle"],
          json(
              {"left[0] waits for right[0] (reading pipe right[0]->left[0])",
               "right[0] waits for left[0] (reading pipe left[0]->right[0])"}));
      for (const char* w : {"left[0]", "right[0]"}) {
        const json* s = StackOf(*t, w);
        ASSERT_TRUE(s) << w;
        EXPECT_TRUE(HasFrame(*s, "ReadFromPeerForever", "workers/locks.cc"))
            << w;
      }
    }
  }
}

TEST(E2eDeadlockTest, BusySpinIsHungByItsSilence) {
  RunOutput r = RunFaultlab(
      {"run", Scenario("busy_hang.yaml"), "--repeat", std::to_string(kRepeat)});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  for (const char* pl : {"thread", "process"}) {
    for (const json* t : Trials(r.json, pl)) {
      ExpectHangTrial(*t,
                      {{"relay[0]", "hung"},
                       {"producer[0]", "stalled"},
                       {"sink[0]", "stalled"},
                       {"feed[0]", "completed"},
                       {"archive[0]", "completed"}},
                      pl);
      ASSERT_EQ((*t)["hang"]["cycle"].size(), 1u);
      EXPECT_NE((*t)["hang"]["cycle"][0].get<std::string>().find(
                    "relay[0] spins with no heartbeat"),
                std::string::npos);
      const json* s = StackOf(*t, "relay[0]");
      ASSERT_TRUE(s);
      EXPECT_TRUE(HasFrame(*s, "InjectBusyHang", "workers/faults.cc"));
    }
  }
}

TEST(E2eDeadlockTest, SelfRelockWaitsForItself) {
  RunOutput r = RunFaultlab(
      {"run", SourceDir() + "/tests/data/self_deadlock.yaml", "--repeat", "2"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  for (const char* pl : {"thread", "process"}) {
    for (const json* t : Trials(r.json, pl)) {
      ExpectHangTrial(*t, {{"locker[0]", "hung"}, {"locker[1]", "stalled"}},
                      pl);
      EXPECT_EQ((*t)["hang"]["cycle"],
                json({"locker[0] waits for itself (lock A, which it already "
                      "holds)"}));
      const json* s = StackOf(*t, "locker[0]");
      ASSERT_TRUE(s);
      EXPECT_TRUE(HasFrame(*s, "InjectSelfDeadlock", "workers/locks.cc"));
    }
  }
}

TEST(E2eDeadlockTest, LockHeldForeverNamesTheOwner) {
  RunOutput r = RunFaultlab(
      {"run", SourceDir() + "/tests/data/held_forever.yaml", "--repeat", "2"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  for (const char* pl : {"thread", "process"}) {
    for (const json* t : Trials(r.json, pl)) {
      ExpectHangTrial(*t,
                      {{"locker[0]", "hung"},
                       {"locker[1]", "stalled"},
                       {"locker[2]", "stalled"},
                       {"producer[0]", "completed"},
                       {"sink[0]", "completed"}},
                      pl);
      const std::string detail = WorkerIn(*t, "locker[0]")["detail"];
      EXPECT_NE(detail.find("holds lock A"), std::string::npos) << detail;
      const std::string last = (*t)["hang"]["cycle"].back();
      EXPECT_NE(last.find("locker[0] holds lock A and waits for nothing"),
                std::string::npos)
          << last;
    }
  }
}

// A reader of several inputs that all fall silent waits for any of them:
// it is stalled behind the hung producer, and the trial ends once everyone
// is stuck rather than at the deadline.
TEST(E2eDeadlockTest, ReaderOfSeveralSilentInputsIsStalled) {
  RunOutput r = RunFaultlab(
      {"run", SourceDir() + "/tests/data/fan_in_hang.yaml", "--repeat", "2"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  for (const char* pl : {"thread", "process"}) {
    for (const json* t : Trials(r.json, pl)) {
      ExpectHangTrial(*t,
                      {{"producer[0]", "hung"},
                       {"relay[0]", "stalled"},
                       {"sink[0]", "stalled"}},
                      pl);
      const std::string detail = WorkerIn(*t, "sink[0]")["detail"];
      EXPECT_NE(detail.find("blocked reading its inputs"), std::string::npos)
          << detail;
      EXPECT_NE(detail.find("producer[0] is hung"), std::string::npos)
          << detail;
    }
  }
}

// Hangs around readers: a hang fired from inside a read wait (no phantom
// read/write cycle), a sink whose two writers deadlock (stalled behind
// both), and a live stream beside a hung one (drained at full speed, then
// stalled). Each scenario's expect: holds and no trial runs to its deadline.
TEST(E2eDeadlockTest, HangsAroundReadersAreNamedAndEndEarly) {
  RunOutput r = RunFaultlab(
      {"run", SourceDir() + "/tests/data/hang_in_read.yaml",
       SourceDir() + "/tests/data/fan_in_deadlock.yaml",
       SourceDir() + "/tests/data/fan_in_drain.yaml", "--repeat", "2"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  for (size_t sc = 0; sc < 3; ++sc)
    for (const json& p : r.json["scenarios"][sc]["placements"])
      for (const json& t : p["trials"]) {
        EXPECT_FALSE(t["deadline_hit"].get<bool>())
            << r.json["scenarios"][sc]["name"];
        if (sc == 0) {  // only the silent sink, no cycle with the producer
          EXPECT_EQ(t["hang"]["cycle"].size(), 1u) << t["hang"].dump();
        }
        if (sc == 1) {
          const std::string d = WorkerIn(t, "sink[0]")["detail"];
          EXPECT_NE(d.find("producer[0] is hung; producer[1] is hung"),
                    std::string::npos)
              << d;
        }
        if (sc == 2) {
          EXPECT_EQ(WorkerIn(t, "sink[0]")["messages"], 605);
        }
      }
}

// The supervisor never waits on a subject's good will: one that ignores
// SIGTERM is SIGKILLed after the grace time, and nothing survives the run.
TEST(E2eDeadlockTest, SubjectIgnoringSigtermIsKilled) {
  RunOutput r = RunFaultlab(
      {"run", SourceDir() + "/tests/data/hang_ignores_sigterm.yaml"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const json& t = Trial(r.json, "thread");
  ASSERT_EQ(t["processes"].size(), 1u);
  EXPECT_EQ(t["processes"][0]["signal"], "SIGKILL");
  const json& p = Trial(r.json, "process");
  for (const auto& proc : p["processes"]) {
    bool target = proc["workers"][0] == "relay[0]";
    EXPECT_EQ(proc["signal"], target ? "SIGKILL" : "SIGTERM") << proc.dump();
  }
  EXPECT_TRUE(ProcessesInSession(r.sid).empty());
}

TEST(E2eDeadlockTest, PipeCycleWithoutChannelsBothWaysIsRejected) {
  std::string path = TempDir() + "/one_way.yaml";
  std::ofstream(path) << R"(name: one_way
workers:
  - {role: producer, count: 2}
  - {role: locker, count: 2}
channels:
  - {kind: pipe, from: producer, to: locker}
  - {kind: pipe, from: "locker[0]", to: "locker[1]"}
fault:
  target: locker[0]
  kind: deadlock
  variant: pipe_cycle
  partner: locker[1]
)";
  RunOutput r = RunFaultlab({"validate", path}, false);
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("channels both ways"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("one_way.yaml:12:"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace faultlab::testing
