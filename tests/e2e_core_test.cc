// End-to-end: the real faultlab binary on the shipped core scenarios and on
// broken scenario files.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "tests/e2e_util.h"

namespace faultlab::testing {
namespace {

using nlohmann::json;

bool HasFrame(const json& crash, const std::string& fn) {
  for (const auto& f : crash.at("frames"))
    if (f.at("function").get<std::string>().find(fn) != std::string::npos)
      return true;
  return false;
}

TEST(E2eCoreTest, SegfaultTakesTheWholeProcessButNotSeparateOnes) {
  RunOutput r = RunFaultlab({"run", Scenario("segfault.yaml")});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  ASSERT_TRUE(r.json.is_object());
  EXPECT_EQ(r.json["schema"], "faultlab.result/1");
  EXPECT_TRUE(r.json["passed"].get<bool>());

  const json& t = Trial(r.json, "thread");
  EXPECT_EQ(t["blast_radius"], 3);
  EXPECT_EQ(Worker(r.json, "thread", "relay[0]")["outcome"], "crashed");
  for (const char* w : {"producer[0]", "sink[0]", "sink[1]"})
    EXPECT_EQ(Worker(r.json, "thread", w)["outcome"], "collateral") << w;
  const json& crash = t["crash"];
  ASSERT_TRUE(crash.is_object());
  EXPECT_EQ(crash["signal"], "SIGSEGV");
  EXPECT_EQ(crash["si_code"], "SEGV_MAPERR");
  EXPECT_EQ(crash["address"], "0x0000000000000000");
  EXPECT_EQ(crash["worker"], "relay[0]");
  EXPECT_EQ(crash["thread"], "relay[0]");
  EXPECT_GT(crash["tid"].get<int>(), 0);
  EXPECT_TRUE(HasFrame(crash, "InjectNullWrite")) << crash.dump();
  EXPECT_EQ(crash["frames"][0]["file"], "workers/faults.cc");
  // One process holds every worker.
  EXPECT_EQ(t["processes"].size(), 1u);
  EXPECT_EQ(t["processes"][0]["signal"], "SIGSEGV");
  // The crash handler tells the supervisor as it starts (an eventfd), so
  // the supervisor knew of the crash before it could reap the process.
  const json& proc = t["processes"][0];
  EXPECT_LT(t["detection_latency_ms"].get<double>(),
            proc["detected_ms"].get<double>() - proc["died_ms"].get<double>())
      << t.dump();

  const json& p = Trial(r.json, "process");
  EXPECT_EQ(p["blast_radius"], 0);
  EXPECT_EQ(p["processes"].size(), 4u);
  EXPECT_EQ(Worker(r.json, "process", "relay[0]")["outcome"], "crashed");
  EXPECT_EQ(Worker(r.json, "process", "producer[0]")["outcome"],
            "disconnected");
  EXPECT_EQ(Worker(r.json, "process", "sink[0]")["outcome"], "disconnected");
  EXPECT_NE(Worker(r.json, "process", "sink[0]")["pid"],
            Worker(r.json, "process", "relay[0]")["pid"]);
  EXPECT_TRUE(HasFrame(p["crash"], "InjectNullWrite"));
  // The console table names every worker and its fate.
  EXPECT_NE(r.out.find("relay[0]"), std::string::npos);
  EXPECT_NE(r.out.find("collateral"), std::string::npos);
  EXPECT_TRUE(ProcessesInSession(r.sid).empty());
}

TEST(E2eCoreTest, StackOverflowIsReportedFromTheAlternateStack) {
  RunOutput r = RunFaultlab({"run", Scenario("stack_overflow.yaml")});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  for (const char* pl : {"thread", "process"}) {
    const json& crash = Trial(r.json, pl)["crash"];
    ASSERT_TRUE(crash.is_object()) << pl;
    EXPECT_EQ(crash["signal"], "SIGSEGV");
    EXPECT_TRUE(HasFrame(crash, "Recurse")) << crash.dump();
    EXPECT_EQ(Worker(r.json, pl, "relay[0]")["outcome"], "crashed");
  }
}

TEST(E2eCoreTest, AbortAndExitAreTheirOwnFates) {
  RunOutput a = RunFaultlab({"run", Scenario("abort.yaml")});
  ASSERT_EQ(a.exit_code, 0) << a.out << a.err;
  EXPECT_EQ(Trial(a.json, "thread")["crash"]["signal"], "SIGABRT");
  EXPECT_TRUE(HasFrame(Trial(a.json, "process")["crash"], "InjectAbort"));
  EXPECT_EQ(Worker(a.json, "process", "sink[0]")["outcome"], "completed");
  EXPECT_EQ(Worker(a.json, "process", "sink[0]")["verified"], true);

  RunOutput e = RunFaultlab({"run", Scenario("exit.yaml")});
  ASSERT_EQ(e.exit_code, 0) << e.out << e.err;
  const json& relay = Worker(e.json, "process", "relay[0]");
  EXPECT_EQ(relay["outcome"], "exited");
  EXPECT_EQ(relay["exit_code"], 3);
  EXPECT_TRUE(Trial(e.json, "process")["crash"].is_null());
}

TEST(E2eCoreTest, PlacementFlagAndSeedOverrideAndRepeat) {
  RunOutput r = RunFaultlab({"run", Scenario("segfault.yaml"), "--placement",
                             "process", "--seed", "99", "--repeat", "2"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const json& placements = r.json["scenarios"][0]["placements"];
  ASSERT_EQ(placements.size(), 1u);
  EXPECT_EQ(placements[0]["placement"], "process");
  ASSERT_EQ(placements[0]["trials"].size(), 2u);
  EXPECT_EQ(placements[0]["trials"][0]["seed"], 99);
  EXPECT_EQ(placements[0]["trials"][1]["seed"], 100);
  // Passing repeats collapse into one line that still names their seeds.
  EXPECT_NE(
      r.out.find("2/2 (100%, 95% CI 34%–100%) trials passed  seeds 99–100"),
      std::string::npos)
      << r.out;
}

TEST(E2eCoreTest, FailedExpectationExitsOne) {
  RunOutput r =
      RunFaultlab({"run", SourceDir() + "/tests/data/wrong_expectation.yaml"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_FALSE(r.json["passed"].get<bool>());
  bool found = false;
  for (const auto& c : r.json["scenarios"][0]["placements"][0]["expectations"])
    if (!c["passed"].get<bool>() && c["actual"] == "collateral") found = true;
  EXPECT_TRUE(found) << r.json.dump(1);
}

struct BadCase {
  const char* file;
  const char* expect;  // substring of stderr
};

TEST(E2eCoreTest, BadScenariosExitTwoWithPositionAndNothingRuns) {
  const BadCase cases[] = {
      {"bad_key.yaml",
       "bad_key.yaml:6:5: error: unknown key 'mesages' in a worker; did you "
       "mean 'messages'?"},
      {"bad_channel.yaml",
       "bad_channel.yaml:8:23: error: no worker or group named 'sinc'; did you "
       "mean 'sink'?"},
      {"bad_target.yaml",
       "bad_target.yaml:10:11: error: no worker or group named 'relay'"},
      {"bad_number.yaml",
       "bad_number.yaml:5:15: error: messages must be between 0 and 1000000, "
       "got -5"},
      {"bad_duplicate_key.yaml",
       "bad_duplicate_key.yaml:3:22: error: key 'role' given twice in a "
       "worker"},
      {"bad_syntax.yaml",
       "bad_syntax.yaml:5:9: error: end of sequence flow not found"},
  };
  for (const BadCase& c : cases) {
    std::string path = SourceDir() + "/tests/data/" + c.file;
    RunOutput r = RunFaultlab({"run", path});
    EXPECT_EQ(r.exit_code, 2) << c.file << r.err;
    EXPECT_NE(r.err.find(c.expect), std::string::npos)
        << c.file << ": " << r.err;
    EXPECT_FALSE(r.json.is_object()) << "a bad scenario must not run";
    RunOutput v = RunFaultlab({"validate", path}, false);
    EXPECT_EQ(v.exit_code, 2) << c.file;
    EXPECT_NE(v.err.find(c.expect), std::string::npos) << v.err;
  }
  RunOutput missing = RunFaultlab({"run", "/nonexistent.yaml"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("cannot open"), std::string::npos);
}

TEST(E2eCoreTest, HostileCommandLinesAndInputsExitTwoBeforeAnyTrial) {
  std::string dir = TempDir();
  RunOutput seed = RunFaultlab({"run", "--seed", "-1", Scenario("exit.yaml")});
  EXPECT_EQ(seed.exit_code, 2) << seed.err;
  for (const char* jobs : {"0", "-2", "many"}) {
    RunOutput r = RunFaultlab({"run", "--jobs", jobs, Scenario("exit.yaml")});
    EXPECT_EQ(r.exit_code, 2) << jobs << r.err;
    EXPECT_NE(r.err.find("--jobs"), std::string::npos) << r.err;
  }
  RunOutput html = RunFaultlab(
      {"run", "--html", "/nonexistent/dir/x.html", Scenario("exit.yaml")});
  EXPECT_EQ(html.exit_code, 2);
  EXPECT_EQ(html.out.find("exit"), std::string::npos) << "no trial may run";
  // A directory stands for its *.yaml files (shipped scenarios are valid).
  RunOutput directory =
      RunFaultlab({"validate", SourceDir() + "/scenarios"}, false);
  EXPECT_EQ(directory.exit_code, 0) << directory.err;
  EXPECT_NE(directory.out.find("/scenarios/segfault.yaml: ok"),
            std::string::npos);
  for (const char* text : {"{\"schema\":5}", "[1,2]", "not json", "{}"}) {
    std::ofstream(dir + "/r.json") << text;
    RunOutput r = RunFaultlab(
        {"report", dir + "/r.json", "--html", dir + "/r.html"}, false);
    EXPECT_EQ(r.exit_code, 2) << text << r.err;
  }
}

TEST(E2eCoreTest, NothingToSendIsNotCorruption) {
  RunOutput r =
      RunFaultlab({"run", SourceDir() + "/tests/data/zero_messages.yaml"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(Worker(r.json, "process", "sink[1]")["verified"], true);
}

// `faultlab run ... | head -1`: a closed stdout must not kill the run.
// Where streams meet (a sink reading several producers, a locker passing
// several through) each is checked on its own: no fault, nothing corrupted.
TEST(E2eCoreTest, StreamsThatMeetArriveWhole) {
  RunOutput r = RunFaultlab({"run", SourceDir() + "/tests/data/fan_in.yaml"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  for (const char* pl : {"thread", "process"}) {
    for (const json& w : Trial(r.json, pl)["workers"])
      EXPECT_EQ(w["outcome"], "completed") << pl << " " << w.dump();
    EXPECT_EQ(Worker(r.json, pl, "merge[0]")["messages"], 65);
    EXPECT_EQ(Worker(r.json, pl, "merge[0]")["expected_messages"], 65);
    EXPECT_EQ(Worker(r.json, pl, "x[0]")["messages"], 30);
    EXPECT_EQ(Worker(r.json, pl, "y[0]")["messages"], 25);
  }
}

TEST(E2eCoreTest, ClosedStdoutDoesNotStopTheRun) {
  std::string dir = TempDir();
  std::string cmd = BinaryDir() + "/bin/faultlab run " +
                    Scenario("segfault.yaml") + " " + Scenario("exit.yaml") +
                    " --json " + dir +
                    "/r.json | head -c 1 >/dev/null; echo ${PIPESTATUS[0]}";
  FILE* p = popen(("bash -c '" + cmd + "'").c_str(), "r");
  ASSERT_NE(p, nullptr);
  char buf[32] = {};
  ASSERT_NE(fgets(buf, sizeof buf, p), nullptr);
  pclose(p);
  EXPECT_EQ(std::string(buf), "0\n");
  std::ifstream in(dir + "/r.json");
  json j = json::parse(in, nullptr, false);
  ASSERT_FALSE(j.is_discarded());
  EXPECT_TRUE(j["complete"].get<bool>());
  EXPECT_EQ(j["scenarios"].size(), 2u);
}

TEST(E2eCoreTest, ValidateAcceptsEveryShippedScenario) {
  std::vector<std::string> args{"validate"};
  for (const auto& e :
       std::filesystem::directory_iterator(SourceDir() + "/scenarios"))
    if (e.path().extension() == ".yaml") args.push_back(e.path());
  ASSERT_GT(args.size(), 3u);
  RunOutput v = RunFaultlab(args, false);
  EXPECT_EQ(v.exit_code, 0) << v.err;
}

TEST(E2eCoreTest, ListNamesEveryKind) {
  RunOutput r = RunFaultlab({"list"}, false);
  EXPECT_EQ(r.exit_code, 0);
  for (const char* w : {"pipe", "socket", "shm", "segfault", "heap_overwrite",
                        "deadlock", "producer", "relay", "sink", "stop", "wait",
                        "continue", "collateral", "stalled"})
    EXPECT_NE(r.out.find(w), std::string::npos) << w;
}

// Ctrl-C and SIGTERM in the middle of a long run: every subject is killed
// and reaped, no shared-memory segment or temp file is left, and the JSON on
// disk is well-formed.
// `processes`: how many the session holds once the trials are running.
void InterruptWith(int sig,
                   std::vector<std::string> extra = {"--placement", "process"},
                   size_t processes = 4) {
  std::string dir = TempDir();
  auto shm_before = ShmEntries();
  std::vector<std::string> args = {
      "run", SourceDir() + "/tests/data/long_run.yaml", "--out", dir};
  args.insert(args.end(), extra.begin(), extra.end());
  pid_t pid = StartFaultlab(args, dir + "/console");
  // Wait until its subjects are running.
  for (int i = 0; i < 500 && ProcessesInSession(pid).size() < processes; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ASSERT_GE(ProcessesInSession(pid).size(), processes);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  kill(pid, sig);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 130);
  EXPECT_TRUE(ProcessesInSession(pid).empty());
  EXPECT_EQ(ShmEntries(), shm_before);
  for (const auto& e : std::filesystem::directory_iterator(dir))
    EXPECT_EQ(e.path().filename().string().find(".tmp."), std::string::npos)
        << e.path();
  std::ifstream in(dir + "/results.json");
  json j = json::parse(in, nullptr, false);
  ASSERT_FALSE(j.is_discarded());
  EXPECT_FALSE(j["complete"].get<bool>());
}

TEST(E2eCoreTest, CtrlCLeavesNothingBehind) { InterruptWith(SIGINT); }

// Even a SIGKILL of the supervisor leaves well-formed result files holding
// every finished trial, and its subjects die with it (PDEATHSIG).
TEST(E2eCoreTest, KilledSupervisorLeavesFinishedTrialsAndNoSubjects) {
  std::string dir = TempDir();
  pid_t pid =
      StartFaultlab({"run", Scenario("segfault.yaml"),
                     SourceDir() + "/tests/data/long_run.yaml", "--out", dir},
                    dir + "/console");
  json j;
  for (int i = 0; i < 1000; ++i) {
    std::ifstream in(dir + "/results.json");
    j = json::parse(in, nullptr, false);
    if (!j.is_discarded() && j["scenarios"].size() == 1 &&
        j["scenarios"][0]["placements"].size() == 2)
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_EQ(j["scenarios"][0]["placements"].size(), 2u) << j.dump();
  for (int i = 0; i < 500 && ProcessesInSession(pid).size() < 2; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  for (int i = 0; i < 300 && !ProcessesInSession(pid).empty(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_TRUE(ProcessesInSession(pid).empty());
  std::ifstream in(dir + "/results.json");
  j = json::parse(in, nullptr, false);
  ASSERT_FALSE(j.is_discarded());
  EXPECT_FALSE(j["complete"].get<bool>());
  EXPECT_EQ(j["scenarios"][0]["name"], "segfault");
  EXPECT_EQ(j["scenarios"][0]["placements"].size(), 2u);
  std::ifstream junit(dir + "/junit.xml");
  std::string xml((std::istreambuf_iterator<char>(junit)), {});
  EXPECT_NE(xml.find("</testsuites>"), std::string::npos);
  EXPECT_NE(xml.find("segfault"), std::string::npos);
}
TEST(E2eCoreTest, SigtermLeavesNothingBehind) { InterruptWith(SIGTERM); }

// Two trials in flight (thread and process placement at once): one Ctrl-C
// ends both, and both are reaped.
TEST(E2eCoreTest, CtrlCEndsEveryTrialInFlight) {
  InterruptWith(SIGINT, {"--jobs", "2"}, 1 + 1 + 3);
}

// --jobs runs trials at once but reports them in the same order, with the
// same seeds and the same outcomes, as a run one trial at a time.
TEST(E2eCoreTest, ParallelTrialsReportLikeSequentialOnes) {
  std::vector<std::string> args = {"run",
                                   Scenario("segfault.yaml"),
                                   Scenario("abort.yaml"),
                                   Scenario("heap_corrupt.yaml"),
                                   Scenario("pipe_reader_dies.yaml"),
                                   "--repeat",
                                   "3"};
  RunOutput one = RunFaultlab(args);
  args.insert(args.end(), {"--jobs", "3"});
  RunOutput three = RunFaultlab(args);
  ASSERT_EQ(one.exit_code, 0) << one.out << one.err;
  ASSERT_EQ(three.exit_code, 0) << three.out << three.err;
  auto shape = [](const json& r) {
    json out = json::array();
    for (const json& s : r["scenarios"])
      for (const json& p : s["placements"])
        for (const json& t : p["trials"]) {
          json workers = json::object();
          for (const json& w : t["workers"]) workers[w["name"]] = w["outcome"];
          out.push_back({s["name"], p["placement"], t["seed"], workers,
                         t["blast_radius"]});
        }
    return out;
  };
  EXPECT_EQ(shape(three.json), shape(one.json));
  EXPECT_EQ(shape(one.json).size(), 4u * 2 * 3);
  EXPECT_TRUE(three.json["complete"].get<bool>());
  // The tables come out per scenario, in order.
  size_t a = three.out.find("segfault"), b = three.out.find("abort"),
         c = three.out.find("heap_corrupt"), d = three.out.find("pipe_reader");
  EXPECT_TRUE(a < b && b < c && c < d) << three.out;
}

}  // namespace
}  // namespace faultlab::testing
