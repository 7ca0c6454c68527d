// End-to-end: real programs as subjects. The demo server in its two builds,
// a daemonising program, SIGSTOP/SIGCONT, a program that never gets ready,
// and every way the supervisor can end (Ctrl-C, SIGKILL) with nothing of
// the program's tree left behind.
#include <dirent.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "tests/e2e_util.h"

namespace faultlab::testing {
namespace {

using nlohmann::json;

std::string Data(const std::string& name) {
  return SourceDir() + "/tests/data/" + name;
}

// Live processes carrying the trial token of supervisor `pid` (a program
// that setsid()s leaves the session, so sessions cannot tell).
std::string ReadProcFile(const std::string& path) {
  // POSIX reads: a process may end while its file is read (ESRCH), which
  // std::ifstream would turn into an exception.
  std::string out;
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return out;
  char buf[4096];
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0) out.append(buf, size_t(n));
  close(fd);
  return out;
}

std::vector<pid_t> ProgramProcessesOf(pid_t pid) {
  const std::string entry =
      "FAULTLAB_TRIAL=faultlab-" + std::to_string(pid) + "-";
  std::vector<pid_t> out;
  DIR* d = opendir("/proc");
  while (dirent* e = readdir(d)) {
    pid_t p = atoi(e->d_name);
    if (p <= 0) continue;
    const std::string dir = "/proc/" + std::string(e->d_name);
    std::string s = ReadProcFile(dir + "/stat");
    size_t close = s.rfind(')');
    if (close == std::string::npos || s[close + 2] == 'Z') continue;
    std::istringstream items(ReadProcFile(dir + "/environ"));
    std::string item;
    while (std::getline(items, item, '\0'))
      if (item.rfind(entry, 0) == 0) out.push_back(p);
  }
  closedir(d);
  return out;
}

const json& Role(const json& program, const std::string& role) {
  for (const json& r : program["roles"])
    if (r["role"] == role) return r;
  static const json none;
  return none;
}

TEST(E2eProgramTest, PreforkServerLosesOneWorkerAndItsSessionsAndRecovers) {
  RunOutput r = RunFaultlab({"run", Scenario("prefork_server_segfault.yaml")});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const json& p = Program(r.json);
  // Raised inside the second worker process at its 150th recv().
  EXPECT_EQ(p["fault"]["delivery"], "raised");
  EXPECT_EQ(p["raised"]["call"], "recv");
  EXPECT_EQ(p["raised"]["call_count"], 150);
  ASSERT_EQ(p["fault"]["target_pids"].size(), 1u);
  const int target = p["fault"]["target_pids"][0];
  EXPECT_EQ(p["raised"]["pid"], target);
  std::vector<json> workers = OfRole(p, "worker");
  ASSERT_GE(workers.size(), 3u) << p["processes"].dump();
  int masters = 0;
  for (const json& m : OfRole(p, "master")) {
    ++masters;
    EXPECT_TRUE(m["launched"].get<bool>());
    for (const json& w : workers) EXPECT_EQ(w["parent_pid"], m["pid"]);
  }
  EXPECT_EQ(masters, 1);
  for (const json& w : workers) {
    if (w["pid"] == target) {
      EXPECT_EQ(w["outcome"], "crashed");
      EXPECT_EQ(w["signal"], "SIGSEGV");
    } else {
      EXPECT_EQ(w["exit_ms"], nullptr) << w.dump();  // ran to the end
    }
  }
  // The replacement: a new pid of the same role, seen after the death.
  const json& role = Role(p, "worker");
  EXPECT_EQ(role["respawns"], 1);
  // Measured, not bounded here (timings are bench/'s): seen after the fault.
  EXPECT_GE(role["respawn_latency_ms"][0].get<double>(), 0.0);
  EXPECT_GT(p["recovery"]["replacement_ms"].get<double>(), 0.0);
  const json& c = p["clients"][0];
  EXPECT_GE(c["lost_at_fault"].get<int>(), 1);
  EXPECT_LT(c["lost_at_fault"].get<int>(), c["alive_at_fault"].get<int>());
  EXPECT_GT(c["survived"].get<int>(), 0);
  EXPECT_TRUE(p["probes"][0]["passing_at_end"].get<bool>());
}

TEST(E2eProgramTest, ThreadedServerLosesEverySession) {
  RunOutput r = RunFaultlab({"run", Scenario("threaded_server_segfault.yaml")});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const json& p = Program(r.json);
  ASSERT_EQ(p["processes"].size(), 1u);
  EXPECT_EQ(p["processes"][0]["outcome"], "crashed");
  EXPECT_EQ(p["processes"][0]["signal"], "SIGSEGV");
  const json& c = p["clients"][0];
  EXPECT_EQ(c["alive_at_fault"], 16);
  EXPECT_EQ(c["lost_at_fault"], 16);
  EXPECT_EQ(c["survived"], 0);
  EXPECT_GT(c["errors"]["refused"].get<int>(), 0);  // nobody listens after
  EXPECT_FALSE(p["probes"][0]["passing_at_end"].get<bool>());
  EXPECT_EQ(p["recovery"]["probes_steady_ms"], nullptr);
  // It ended early: nothing was left to watch.
  EXPECT_FALSE(Trial(r.json, "process")["deadline_hit"].get<bool>());
}

TEST(E2eProgramTest, DaemonisingProgramKeepsItsRolesAndLeavesNothing) {
  RunOutput r = RunFaultlab({"run", Data("program_daemon.yaml")});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const json& p = Program(r.json);
  std::vector<json> launcher = OfRole(p, "launcher");
  ASSERT_EQ(launcher.size(), 1u);
  EXPECT_EQ(launcher[0]["exit_code"], 0);
  // The daemon (second fork) serves until the end; its workers are its own
  // children, whatever name they had when first seen.
  json daemon;
  for (const json& m : OfRole(p, "master"))
    if (m["exit_ms"].is_null()) daemon = m;
  ASSERT_TRUE(daemon.is_object()) << p["processes"].dump();
  std::vector<json> workers = OfRole(p, "worker");
  ASSERT_GE(workers.size(), 3u);
  for (const json& w : workers) EXPECT_EQ(w["parent_pid"], daemon["pid"]);
  EXPECT_EQ(Role(p, "worker")["respawns"], 1);
  EXPECT_TRUE(ProgramProcessesOf(r.sid).empty());
}

TEST(E2eProgramTest, StoppedServerTimesOutThenRecoversAfterSigcont) {
  RunOutput r = RunFaultlab({"run", Data("program_stop.yaml")});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const json& p = Program(r.json);
  EXPECT_EQ(p["fault"]["signal"], "SIGSTOP");
  const double fired = p["fault"]["t_ms"], resumed = p["fault"]["resumed_ms"];
  EXPECT_GE(resumed - fired, 300.0);
  const json& probe = p["probes"][0];
  bool timed_out_while_stopped = false;
  for (const json& e : probe["events"]) {
    const double t = e["t_ms"];
    if (!e["ok"].get<bool>() && t >= fired && t < resumed)
      timed_out_while_stopped |= e["detail"] == "timeout";
  }
  EXPECT_TRUE(timed_out_while_stopped) << probe.dump();
  EXPECT_GE(probe["steady_ms"].get<double>(), 200.0);
}

TEST(E2eProgramTest, ProgramThatNeverGetsReadyFailsWithTheReason) {
  RunOutput r = RunFaultlab({"run", Data("program_never_ready.yaml")});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("the program became ready"), std::string::npos);
  EXPECT_NE(r.out.find("ended before it was ready"), std::string::npos);
}

TEST(E2eProgramTest, BadProgramScenariosAreRefusedWithAPosition) {
  RunOutput r = RunFaultlab({"validate", Data("bad_program_key.yaml")}, false);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("bad_program_key.yaml:4:3: error: unknown key 'redy'"),
            std::string::npos)
      << r.err;
  std::string dir = TempDir();
  std::ofstream(dir + "/missing.yaml")
      << "name: missing\nprogram:\n  command: [no-such-program-here]\n";
  r = RunFaultlab({"run", dir + "/missing.yaml"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("'no-such-program-here' not found"), std::string::npos)
      << r.err;
}

// The per-trial ${tmp} directories of supervisor `pid` now in /tmp.
std::vector<std::string> ProgramTempDirs(pid_t pid) {
  const std::string prefix = "faultlab-" + std::to_string(pid) + "-";
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator("/tmp"))
    if (e.path().filename().string().rfind(prefix, 0) == 0)
      out.push_back(e.path().string());
  return out;
}

// Waits until supervisor `pid` runs a program tree of at least `n`.
void AwaitProgram(pid_t pid, size_t n) {
  for (int i = 0; i < 500 && ProgramProcessesOf(pid).size() < n; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ASSERT_GE(ProgramProcessesOf(pid).size(), n);
}

TEST(E2eProgramTest, CtrlCKillsTheWholeTreeAndExits130) {
  std::string dir = TempDir();
  pid_t pid = StartFaultlab({"run", Data("program_long.yaml"), "--out", dir},
                            dir + "/console");
  AwaitProgram(pid, 3);  // the daemon and its two workers
  EXPECT_EQ(ProgramTempDirs(pid).size(), 1u);
  kill(pid, SIGINT);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 130);
  EXPECT_TRUE(ProgramProcessesOf(pid).empty());
  EXPECT_TRUE(ProgramTempDirs(pid).empty());
}

// A SIGKILL of the supervisor: PDEATHSIG reaches only its direct children,
// so the daemon (a grandchild that left the session) is ended, and the
// trial's directory removed, by the reaper, which outlives the supervisor.
TEST(E2eProgramTest, KilledSupervisorLeavesNoProgramProcess) {
  std::string dir = TempDir();
  pid_t pid = StartFaultlab({"run", Data("program_long.yaml"), "--out", dir},
                            dir + "/console");
  AwaitProgram(pid, 3);
  EXPECT_EQ(ProgramTempDirs(pid).size(), 1u);
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  for (int i = 0; i < 300 && (!ProgramProcessesOf(pid).empty() ||
                              !ProgramTempDirs(pid).empty());
       ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_TRUE(ProgramProcessesOf(pid).empty());
  EXPECT_TRUE(ProgramTempDirs(pid).empty());
}

}  // namespace
}  // namespace faultlab::testing
