// End-to-end: --keep-failed. A failed trial's live subjects stay stopped
// (state T) while faultlab waits, each with a gdb -p line; a line on stdin,
// the timeout, or Ctrl-C ends the wait, and then nothing of the run is left.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include "tests/e2e_util.h"

namespace faultlab::testing {
namespace {

using nlohmann::json;

constexpr char kPrompt[] = "to kill them and go on";

std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos;
       at = text.find(what, at + 1))
    ++n;
  return n;
}

// Waits (event-based, bounded only against a broken build) until `path`
// holds `n` prompts; returns its text.
std::string WaitForPrompts(const std::string& path, size_t n) {
  std::string text;
  for (int i = 0; i < 6000; ++i) {
    text = ReadText(path);
    if (Count(text, kPrompt) >= n) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return text;
}

// The pids of the gdb lines of the `k`th wait (1-based): those between the
// (k-1)th prompt and the kth.
std::vector<pid_t> GdbPids(const std::string& text, size_t k) {
  size_t from = 0;
  for (size_t i = 1; i < k; ++i) from = text.find(kPrompt, from) + 1;
  const std::string part = text.substr(from, text.find(kPrompt, from) - from);
  std::vector<pid_t> pids;
  std::regex gdb("gdb -p ([0-9]+)    # hosts ");
  for (std::sregex_iterator it(part.begin(), part.end(), gdb), end; it != end;
       ++it)
    pids.push_back(std::stoi((*it)[1]));
  return pids;
}

char State(pid_t pid) {
  std::string stat = ReadText("/proc/" + std::to_string(pid) + "/stat");
  size_t close = stat.rfind(')');
  return close == std::string::npos ? 0 : stat[close + 2];
}

std::string Data(const std::string& name) {
  return SourceDir() + "/tests/data/" + name;
}

TEST(E2eKeepFailedTest, SubjectsStayStoppedUntilALineThenTheTimeout) {
  const std::string dir = TempDir();
  int in[2];
  ASSERT_EQ(pipe2(in, O_CLOEXEC), 0);
  const pid_t pid =
      StartFaultlabWithStdin({"run", Data("keep_failed.yaml"), "--repeat", "2",
                              "--keep-failed=2", "--json", dir + "/r.json"},
                             dir + "/out", in[0]);
  close(in[0]);
  const std::string err = dir + "/out.err";

  // Trial 1: both processes (producer, sink) are stopped, named, waiting.
  std::string text = WaitForPrompts(err, 1);
  ASSERT_EQ(Count(text, kPrompt), 1u) << text;
  EXPECT_NE(text.find("failed: "), std::string::npos) << text;
  const std::vector<pid_t> first = GdbPids(text, 1);
  ASSERT_EQ(first.size(), 2u) << text;
  for (pid_t p : first) EXPECT_EQ(State(p), 'T') << p << "\n" << text;
  EXPECT_NE(text.find("hosts producer[0] (tid "), std::string::npos) << text;
  EXPECT_NE(text.find("hosts sink[0] (tid "), std::string::npos) << text;

  // A line goes on: trial 1's processes are killed, trial 2 stops its own.
  ASSERT_EQ(write(in[1], "\n", 1), 1);
  text = WaitForPrompts(err, 2);
  ASSERT_EQ(Count(text, kPrompt), 2u) << text;
  for (pid_t p : first) EXPECT_EQ(State(p), 0) << p << " still exists";
  const std::vector<pid_t> second = GdbPids(text, 2);
  ASSERT_EQ(second.size(), 2u) << text;
  for (pid_t p : second) EXPECT_EQ(State(p), 'T') << p << "\n" << text;

  // End of file is no answer; the 2 s timeout ends the wait.
  close(in[1]);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 1) << ReadText(err);
  for (pid_t p : second) EXPECT_EQ(State(p), 0) << p << " still exists";
  EXPECT_TRUE(ProcessesInSession(pid).empty());
  text = ReadText(err);
  EXPECT_EQ(Count(text, "killed 2 kept process(es), 2 reaped"), 2u) << text;

  // The verdict is the one a run without --keep-failed gives.
  std::ifstream jf(dir + "/r.json");
  const json j = json::parse(jf, nullptr, false);
  ASSERT_FALSE(j.is_discarded());
  const json& trials = j["scenarios"][0]["placements"][0]["trials"];
  ASSERT_EQ(trials.size(), 2u);
  for (const json& t : trials) {
    EXPECT_FALSE(t["passed"].get<bool>());
    for (const json& w : t["workers"])
      EXPECT_EQ(w["outcome"], w["name"] == "sink[0]" ? "hung" : "stalled")
          << w.dump();
  }
}

TEST(E2eKeepFailedTest, CtrlCDuringTheWaitKillsThemAndExits130) {
  const std::string dir = TempDir();
  const int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
  const pid_t pid = StartFaultlabWithStdin(
      {"run", Data("keep_failed.yaml"), "--keep-failed=600"}, dir + "/out",
      null);
  close(null);
  const std::string text = WaitForPrompts(dir + "/out.err", 1);
  const std::vector<pid_t> kept = GdbPids(text, 1);
  ASSERT_EQ(kept.size(), 2u) << text;
  for (pid_t p : kept) EXPECT_EQ(State(p), 'T') << p;
  kill(pid, SIGINT);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 130);
  for (pid_t p : kept) EXPECT_EQ(State(p), 0) << p << " still exists";
  EXPECT_TRUE(ProcessesInSession(pid).empty());
}

// A passing trial's subjects are not kept, and a failed trial with nothing
// alive at its end says so instead of waiting.
TEST(E2eKeepFailedTest, NothingIsKeptWhenNothingWasAlive) {
  RunOutput r = RunFaultlab(
      {"run", Data("wrong_expectation.yaml"), "--keep-failed=600"}, false);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("nothing to keep"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find(kPrompt), std::string::npos) << r.err;
  EXPECT_TRUE(ProcessesInSession(r.sid).empty());
  // Hung as expected: passed, so stopped only to be killed, with no wait.
  r = RunFaultlab({"run", Data("hang_ignores_sigterm.yaml"), "--placement",
                   "process", "--keep-failed=600"},
                  false);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.err.find(kPrompt), std::string::npos) << r.err;
  EXPECT_TRUE(ProcessesInSession(r.sid).empty());
}

}  // namespace
}  // namespace faultlab::testing
