// End-to-end: real Unix tools as program workers between faultlab's own
// workers, over pipes (stdin/stdout): the shipped pipeline with its middle
// tool killed, the same pipeline unfaulted (the stream arrives whole and
// verified through tr | sed | cat), and the loader's refusals.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <fstream>
#include <set>
#include <string>
#include <thread>

#include "tests/e2e_util.h"

namespace faultlab::testing {
namespace {

using nlohmann::json;

constexpr char kPipeline[] = R"(name: pipeline
deadline_ms: 5000
workers:
  - {role: producer, messages: 2000, interval_us: 0, payload: 256}
  - {role: relay, name: rot13, command: [tr, "a-zA-Z", "n-za-mN-ZA-M"]}
  - {role: relay, name: unrot13, command: [sed, -u, "y/nopqrstuvwxyzabcdefghijklmNOPQRSTUVWXYZABCDEFGHIJKLM/abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ/"]}
  - {role: relay, name: pass, command: [cat]}
  - {role: sink}
channels:
  - {kind: pipe, from: producer, to: rot13}
  - {kind: pipe, from: rot13, to: unrot13}
  - {kind: pipe, from: unrot13, to: pass}
  - {kind: pipe, from: pass, to: sink}
)";

TEST(E2ePipelineTest, MiddleToolKilledUpstreamGetsSigpipeDownstreamEof) {
  RunOutput r = RunFaultlab({"run", Scenario("pipeline_middle_killed.yaml")});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(ProcessesInSession(r.sid).empty());
  for (const char* placement : {"thread", "process"}) {
    SCOPED_TRACE(placement);
    const json& up = Worker(r.json, placement, "rot13[0]");
    EXPECT_EQ(up["outcome"], "disconnected");
    EXPECT_EQ(up["signal"], "SIGPIPE");
    const json& mid = Worker(r.json, placement, "unrot13[0]");
    EXPECT_EQ(mid["outcome"], "killed");  // sent from outside, no crash
    EXPECT_EQ(mid["signal"], "SIGKILL");
    EXPECT_EQ(Worker(r.json, placement, "pass[0]")["outcome"], "completed");
    const json& producer = Worker(r.json, placement, "producer[0]");
    EXPECT_NE(producer["detail"].get<std::string>().find("EPIPE"),
              std::string::npos);
    const json& sink = Worker(r.json, placement, "sink[0]");
    EXPECT_NE(sink["detail"].get<std::string>().find("EOF"), std::string::npos);
    EXPECT_GT(sink["messages"].get<int>(), 0);  // it flowed before the fault
    EXPECT_LT(sink["messages"].get<int>(), 4000);
    // Every program is a process of its own, whatever the placement.
    std::set<int> pids;
    for (const char* w : {"rot13[0]", "unrot13[0]", "pass[0]", "sink[0]"})
      pids.insert(Worker(r.json, placement, w)["pid"].get<int>());
    EXPECT_EQ(pids.size(), 4u);
  }
  // As threads, producer and sink share their one subject.
  EXPECT_EQ(Worker(r.json, "thread", "producer[0]")["pid"],
            Worker(r.json, "thread", "sink[0]")["pid"]);
}

TEST(E2ePipelineTest, UnfaultedPipelineDeliversTheStreamByteExact) {
  RunOutput r = RunFaultlab(
      {"run",
       WriteScenario(std::string(kPipeline) + "expect:\n  process: {others: "
                                              "completed}\n"),
       "--placement", "process"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const json& sink = Worker(r.json, "process", "sink[0]");
  EXPECT_EQ(sink["messages"], 2000);
  EXPECT_EQ(sink["verified"], true);
  EXPECT_EQ(Worker(r.json, "process", "unrot13[0]")["detail"],
            "sed exited 0 at the end of its input");
}

TEST(E2ePipelineTest, ProgramWorkersAreRefusedWhereTheyCannotWork) {
  struct Case {
    std::string from, to, error;
  };
  const Case cases[] = {
      {"{role: relay, name: rot13, command:",
       "{role: sink, name: rot13, command:", "it needs role: relay"},
      {"  - {kind: pipe, from: pass, to: sink}",
       "  - {kind: socket, from: pass, to: sink}",
       "takes pipes only, as its stdin and stdout"},
      {"command: [cat]", "command: [no-such-tool-here]",
       "program 'no-such-tool-here' is not an executable in PATH"},
  };
  for (const Case& c : cases) {
    std::string yaml = kPipeline;
    yaml.replace(yaml.find(c.from), c.from.size(), c.to);
    RunOutput r = RunFaultlab({"validate", WriteScenario(yaml)}, false);
    EXPECT_EQ(r.exit_code, 2) << c.to;
    EXPECT_NE(r.err.find(c.error), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("scenario.yaml:"), std::string::npos) << r.err;
  }
  const std::pair<std::string, std::string> faults[] = {
      {"fault: {target: pass, kind: segfault}\n",
       "the fault that reaches it is kind signal"},
      {"fault: {target: pass, kind: signal, signal: SIGKILL, trigger: "
       "{after_messages: 5}}\n",
       "a signal fault on it triggers after_ms"},
      {"fault: {target: pass, kind: signal, signal: SIGFOO}\n",
       "unknown signal 'SIGFOO'"},
  };
  for (const auto& [fault, error] : faults) {
    RunOutput r = RunFaultlab(
        {"validate", WriteScenario(std::string(kPipeline) + fault)}, false);
    EXPECT_EQ(r.exit_code, 2) << fault;
    EXPECT_NE(r.err.find(error), std::string::npos) << r.err;
  }
}

// The supervisor's Ctrl-C and SIGKILL end the program workers with the
// rest: they are in the trial's process group and have PDEATHSIG.
void InterruptMidStream(int signo) {
  std::string yaml = kPipeline;
  yaml.replace(yaml.find("deadline_ms: 5000"), 17, "deadline_ms: 60000");
  yaml.replace(yaml.find("interval_us: 0"), 14, "interval_us: 20000");
  const std::string dir = TempDir();
  pid_t pid = StartFaultlab(
      {"run", WriteScenario(yaml), "--placement", "process", "--out", dir},
      dir + "/console");
  // Wait until all three tools run in the run's session.
  auto tools = [&] {
    int n = 0;
    for (pid_t p : ProcessesInSession(pid)) {
      std::ifstream in("/proc/" + std::to_string(p) + "/comm");
      std::string comm;
      std::getline(in, comm);
      n += comm == "tr" || comm == "sed" || comm == "cat";
    }
    return n;
  };
  for (int i = 0; i < 500 && tools() < 3; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ASSERT_EQ(tools(), 3);
  kill(pid, signo);
  waitpid(pid, nullptr, 0);
  for (int i = 0; i < 300 && !ProcessesInSession(pid).empty(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_TRUE(ProcessesInSession(pid).empty());
}

TEST(E2ePipelineTest, CtrlCEndsTheProgramWorkers) {
  InterruptMidStream(SIGINT);
}

TEST(E2ePipelineTest, KilledSupervisorTakesTheProgramWorkersWithIt) {
  InterruptMidStream(SIGKILL);
}

}  // namespace
}  // namespace faultlab::testing
