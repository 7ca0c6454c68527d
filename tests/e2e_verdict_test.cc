// Verdicts a user can trust: a fault that never fired shows nothing, a
// scenario that states nothing says so, the same event gets the same
// outcome whatever the role, and a worker's verdict does not depend on
// where the trial's end happens to fall.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "tests/e2e_util.h"

namespace faultlab::testing {
namespace {

using nlohmann::json;

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
  const json* stated = FindCheck(
      r.json, "thread", "no expectations stated (allowed without --strict)");
  ASSERT_NE(stated, nullptr);
  EXPECT_TRUE((*stated)["passed"].get<bool>());
  EXPECT_NE((*stated)["actual"].get<std::string>().find("no expectations"),
            std::string::npos);
  EXPECT_NE(r.out.find("no expectations"), std::string::npos) << r.out;
  r = RunFaultlab({"run", path, "--strict"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  stated = FindCheck(r.json, "thread", "expectations stated (--strict)");
  ASSERT_NE(stated, nullptr);
  EXPECT_FALSE((*stated)["passed"].get<bool>());
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

// The pid of the subject process in session `sid` whose thread is named
// `thread` (a worker thread carries its worker's name), or 0.
pid_t SubjectWithThread(pid_t sid, const std::string& thread) {
  for (pid_t pid : ProcessesInSession(sid)) {
    std::error_code ec;
    for (const auto& t : std::filesystem::directory_iterator(
             "/proc/" + std::to_string(pid) + "/task", ec)) {
      std::ifstream comm(t.path() / "comm");
      std::string name;
      std::getline(comm, name);
      if (name == thread) return pid;
    }
  }
  return 0;
}

// Runs a long pipeline in process placement, sends `sig` to the sink's
// process from this test (not from faultlab), and returns the result.
json RunAndSignalSink(int sig, int cont_after_ms = -1) {
  const std::string dir = TempDir();
  const std::string path = WriteScenario(R"(
name: outside
deadline_ms: 1500
placements: [process]
workers:
  - {role: producer, messages: 100000, interval_us: 1000}
  - {role: relay}
  - {role: sink}
channels:
  - {from: producer, to: relay, buffer: 4096}
  - {from: relay, to: sink, buffer: 4096}
fault: {kind: none}
)");
  pid_t sid =
      StartFaultlab({"run", path, "--json", dir + "/r.json"}, dir + "/console");
  pid_t sink = 0;
  for (int i = 0; i < 500 && !(sink = SubjectWithThread(sid, "sink[0]")); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_NE(sink, 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  if (sink) kill(sink, sig);
  if (cont_after_ms >= 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(cont_after_ms));
    if (sink) kill(sink, SIGCONT);
  }
  int status = 0;
  waitpid(sid, &status, 0);
  EXPECT_TRUE(WIFEXITED(status));
  std::ifstream in(dir + "/r.json");
  return json::parse(in, nullptr, false);
}

// Killed from outside: not its own crash. A SIGTERM is caught long enough to
// say who sent it; a SIGKILL says nothing, and is still not a crash.
TEST(E2eVerdictTest, KilledFromOutsideIsNotItsOwnCrash) {
  json r = RunAndSignalSink(SIGTERM);
  ASSERT_FALSE(r.is_discarded());
  const json& sink = Worker(r, "process", "sink[0]");
  EXPECT_EQ(sink["outcome"], "killed") << sink.dump();
  EXPECT_NE(sink["detail"].get<std::string>().find(
                "killed by SIGTERM sent by pid " + std::to_string(getpid()) +
                " (SI_USER)"),
            std::string::npos)
      << sink["detail"];
  EXPECT_EQ(Worker(r, "process", "relay[0]")["outcome"], "disconnected");
  r = RunAndSignalSink(SIGKILL);
  ASSERT_FALSE(r.is_discarded());
  const json& killed = Worker(r, "process", "sink[0]");
  EXPECT_EQ(killed["outcome"], "killed") << killed.dump();
  EXPECT_NE(killed["detail"].get<std::string>().find(
                "killed by SIGKILL from outside faultlab"),
            std::string::npos)
      << killed["detail"];
  // A crash signal sent with kill(2) is no crash of its own either.
  r = RunAndSignalSink(SIGSEGV);
  ASSERT_FALSE(r.is_discarded());
  EXPECT_EQ(Worker(r, "process", "sink[0]")["outcome"], "killed");
}

// A subject stopped with SIGSTOP runs no code: it is hung from that moment,
// seen within a tick, and the trial ends early instead of at the deadline.
TEST(E2eVerdictTest, AStoppedSubjectIsHungAtOnce) {
  json r = RunAndSignalSink(SIGSTOP);
  ASSERT_FALSE(r.is_discarded());
  const json& t = Trial(r, "process");
  const json& sink = Worker(r, "process", "sink[0]");
  EXPECT_EQ(sink["outcome"], "hung") << sink.dump();
  EXPECT_NE(sink["detail"].get<std::string>().find("stopped by SIGSTOP"),
            std::string::npos)
      << sink["detail"];
  EXPECT_EQ(Worker(r, "process", "relay[0]")["outcome"], "stalled");
  EXPECT_EQ(Worker(r, "process", "producer[0]")["outcome"], "stalled");
  EXPECT_FALSE(t["deadline_hit"].get<bool>()) << t.dump();
  // Stopped and continued at once: nothing was hung in the end.
  r = RunAndSignalSink(SIGSTOP, 20);
  ASSERT_FALSE(r.is_discarded());
  EXPECT_EQ(Worker(r, "process", "sink[0]")["outcome"], "killed");
  EXPECT_TRUE(Trial(r, "process")["deadline_hit"].get<bool>());
}

// The work after a trial follows what happened, not what was planned: a
// sink that got ten messages of a planned 64 GB stream is judged at once
// (recomputing the planned stream's digest would take minutes and hit this
// test's timeout).
TEST(E2eVerdictTest, WorkAfterATrialIsBoundedByWhatArrived) {
  RunOutput r = RunFaultlab({"run", WriteScenario(R"(
name: huge_plan
deadline_ms: 3000
placements: [process]
workers:
  - {role: producer, messages: 1000000, payload: 65536, interval_us: 0}
  - {role: sink}
channels:
  - {from: producer, to: sink}
fault: {target: producer, kind: exit, trigger: {after_messages: 10}}
expect:
  process: {target: exited, others: disconnected}
)")});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_FALSE(Worker(r.json, "process", "sink[0]")["verified"].get<bool>());
}

// Progress samples stay bounded however long a trial runs: memory and the
// JSON do not grow with deadline x workers.
TEST(E2eVerdictTest, ProgressSamplesAreBoundedPerWorker) {
  RunOutput r = RunFaultlab({"run", WriteScenario(R"(
name: long_progress
deadline_ms: 1500
placements: [thread]
workers:
  - {role: producer, messages: 1000000, interval_us: 50}
  - {role: sink}
channels:
  - {from: producer, to: sink}
fault: {kind: none}
expect:
  thread: {others: killed}
)")});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  const json& progress = Worker(r.json, "thread", "producer[0]")["progress"];
  EXPECT_LE(progress.size(), 512u);
  EXPECT_GE(progress.size(), 100u);
  // Still spread over the whole trial.
  EXPECT_LT(progress.front()[0].get<double>(), 100.0);
  EXPECT_GT(progress.back()[0].get<double>(), 1000.0);
}

// A subject that cannot create its threads (here: too little address space
// for 60 thread stacks) is a harness error with the errno, exit 2, never an
// outcome of the scenario.
TEST(E2eVerdictTest, ASubjectThatCannotSetUpIsAHarnessError) {
  const std::string path = WriteScenario(R"(
name: many
deadline_ms: 3000
placements: [thread]
workers:
  - {role: producer, messages: 50, count: 30}
  - {role: sink, count: 30}
channels:
  - {from: producer, to: sink}
fault: {target: "sink[0]", kind: abort, trigger: {after_messages: 5}}
expect:
  thread: {target: crashed}
)");
  const std::string out = TempDir() + "/out";
  const std::string cmd = "ulimit -v 300000; exec " + BinaryDir() +
                          "/bin/faultlab run " + path + " -q >" + out + " 2>&1";
  int status = std::system(("sh -c '" + cmd + "'").c_str());
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 2);
  std::ifstream in(out);
  std::string text((std::istreambuf_iterator<char>(in)),
                   std::istreambuf_iterator<char>());
  // Under ulimit -v the first thing to fail is a thread's stack (EAGAIN from
  // pthread_create) or, as often, an allocation (ENOMEM): both are the
  // subject's set-up failing, named with the worker and the errno.
  const bool no_thread =
      text.find(
          "harness error: a subject could not set up: "
          "pthread_create for ") != std::string::npos &&
      text.find("Resource temporarily unavailable") != std::string::npos;
  const bool no_memory =
      text.find(
          "harness error: a subject could not set up: "
          "out of memory for ") != std::string::npos &&
      text.find("Cannot allocate memory") != std::string::npos;
  EXPECT_TRUE(no_thread || no_memory) << text;
}

// A scenario can come from a pipe ("-" for standard input).
TEST(E2eVerdictTest, AScenarioCanBeReadFromStandardInput) {
  const std::string out = TempDir() + "/out";
  const std::string cmd = "cat " + Scenario("segfault.yaml") + " | " +
                          BinaryDir() + "/bin/faultlab run - -q >" + out +
                          " 2>&1";
  int status = std::system(cmd.c_str());
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  const std::string bad = "printf 'name: x\\nworkers: 3\\n' | " + BinaryDir() +
                          "/bin/faultlab validate - >" + out + " 2>&1";
  status = std::system(bad.c_str());
  EXPECT_EQ(WEXITSTATUS(status), 2);
  std::ifstream in(out);
  std::string text((std::istreambuf_iterator<char>(in)),
                   std::istreambuf_iterator<char>());
  EXPECT_EQ(text.rfind("<stdin>:2:10: error:", 0), 0u) << text;
}

// Outputs that cannot be honoured are refused before anything runs: a
// device, two outputs that are one file, a directory that does not exist.
// A symlink is written through, not replaced.
TEST(E2eVerdictTest, OutputPathsAreCheckedUpFront) {
  const std::string dir = TempDir();
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"--json", "/dev/full"},
           {"--json", dir + "/a.json", "--junit", dir + "/a.json"},
           {"--json", dir + "/none/a.json"},
           {"--html", dir}}) {
    std::vector<std::string> run = {"run", Scenario("segfault.yaml"), "-q"};
    run.insert(run.end(), args.begin(), args.end());
    RunOutput r = RunFaultlab(run, false);
    EXPECT_EQ(r.exit_code, 2) << args[1] << r.err;
    EXPECT_NE(r.err.find("faultlab: " + args[0]), std::string::npos) << r.err;
  }
  std::filesystem::create_symlink(dir + "/target.json", dir + "/link.json");
  RunOutput r = RunFaultlab({"run", Scenario("segfault.yaml"), "-q", "--json",
                             dir + "/link.json", "--html", dir + "/r.html"},
                            false);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(std::filesystem::is_symlink(dir + "/link.json"));
  EXPECT_TRUE(std::filesystem::is_regular_file(dir + "/target.json"));
  for (const auto& e : std::filesystem::directory_iterator(dir))
    EXPECT_EQ(e.path().filename().string().find(".tmp."), std::string::npos)
        << e.path();
}

// With --jobs, a Ctrl-C keeps the trials that had already finished, also
// those that finished ahead of one still in flight.
TEST(E2eVerdictTest, CtrlCWithJobsKeepsEveryFinishedTrial) {
  const std::string dir = TempDir();
  pid_t sid = StartFaultlab({"run", SourceDir() + "/tests/data/long_run.yaml",
                             Scenario("segfault.yaml"), "--placement", "thread",
                             "--jobs", "2", "--json", dir + "/r.json"},
                            dir + "/console");
  std::this_thread::sleep_for(std::chrono::milliseconds(2000));
  kill(sid, SIGINT);
  int status = 0;
  waitpid(sid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 130);
  std::ifstream in(dir + "/r.json");
  json j = json::parse(in, nullptr, false);
  ASSERT_FALSE(j.is_discarded());
  ASSERT_EQ(j["scenarios"].size(), 1u) << j.dump();
  EXPECT_EQ(j["scenarios"][0]["name"], "segfault");
  EXPECT_EQ(j["scenarios"][0]["placements"][0]["trials"].size(), 1u);
}

}  // namespace
}  // namespace faultlab::testing
