// End-to-end: the `signal` fault on built-in workers. faultlab sends the
// signal to the process hosting the target; the record says "sent" with
// SI_USER and faultlab's pid, and each worker's outcome is what the kernel
// did to its process: SIGKILL kills (not a crash) every thread of it,
// SIGSEGV ends it as a crash whose siblings are collateral, SIGSTOP stops
// it until faultlab's SIGCONT.
#include <gtest/gtest.h>

#include <string>

#include "tests/e2e_util.h"

namespace faultlab::testing {
namespace {

using nlohmann::json;

std::string Pipeline(const std::string& fault, const std::string& expect) {
  return "name: sig\nseed: 4\ndeadline_ms: 4000\n"
         "workers:\n"
         "  - {role: producer, messages: 200, interval_us: 500}\n"
         "  - {role: relay}\n"
         "  - {role: sink}\n"
         "channels:\n"
         "  - {kind: pipe, from: producer, to: relay}\n"
         "  - {kind: pipe, from: relay, to: sink}\n"
         "fault: " +
         fault + "\nexpect:\n" + expect;
}

// The pid of the process that hosted `worker` in the trial.
int64_t HostOf(const json& trial, const std::string& worker) {
  for (const json& p : trial["processes"])
    for (const json& w : p["workers"])
      if (w == worker) return p["pid"].get<int64_t>();
  return -1;
}

void ExpectSent(const RunOutput& r, const std::string& placement,
                const std::string& signal) {
  const json& t = Trial(r.json, placement);
  ASSERT_EQ(t["faults"].size(), 1u) << t.dump(1);
  const json& f = t["faults"][0];
  EXPECT_EQ(f["kind"], "signal");
  EXPECT_EQ(f["delivery"], "sent");
  EXPECT_TRUE(f["fired"].get<bool>());
  ASSERT_TRUE(f.contains("sent")) << f.dump(1);
  EXPECT_EQ(f["sent"]["signal"], signal);
  EXPECT_EQ(f["sent"]["si_code"], "SI_USER");
  // faultlab runs as its session's leader: its pid is the session id.
  EXPECT_EQ(f["sent"]["sender_pid"].get<int64_t>(), int64_t(r.sid));
  EXPECT_EQ(f["sent"]["pid"].get<int64_t>(), HostOf(t, "relay[0]"));
}

TEST(E2eSignalTest, SigkillKillsTheWholeProcessAndIsNoCrash) {
  RunOutput r = RunFaultlab({"run", Scenario("signal_kill.yaml")});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  for (const char* placement : {"thread", "process"}) {
    SCOPED_TRACE(placement);
    ExpectSent(r, placement, "SIGKILL");
  }
  const json& relay = Worker(r.json, "thread", "relay[0]");
  EXPECT_EQ(relay["outcome"], "killed");
  EXPECT_NE(relay["detail"].get<std::string>().find("sent by faultlab"),
            std::string::npos)
      << relay.dump(1);
  EXPECT_EQ(Worker(r.json, "thread", "sink[0]")["outcome"], "killed");
  EXPECT_EQ(Worker(r.json, "process", "producer[0]")["outcome"],
            "disconnected");
  EXPECT_TRUE(ProcessesInSession(r.sid).empty());
}

TEST(E2eSignalTest, SentSigsegvIsACrashWhoseThreadSiblingsAreCollateral) {
  RunOutput r = RunFaultlab(
      {"run", WriteScenario(Pipeline("{target: \"relay[0]\", kind: signal, "
                                     "signal: SIGSEGV, trigger: {after_ms: "
                                     "30}}",
                                     "  thread: {target: crashed, others: "
                                     "collateral}\n"
                                     "  process: {target: crashed, others: "
                                     "disconnected}\n"))});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  ExpectSent(r, "thread", "SIGSEGV");
  ExpectSent(r, "process", "SIGSEGV");
  EXPECT_EQ(Worker(r.json, "process", "relay[0]")["signal"], "SIGSEGV");
}

TEST(E2eSignalTest, SigstopHangsTheProcessUntilSigcont) {
  // Stopped for good: every worker of the one process is hung.
  RunOutput r = RunFaultlab(
      {"run",
       WriteScenario(Pipeline("{target: \"sink[0]\", kind: signal, signal: "
                              "SIGSTOP, trigger: {after_messages: 10}}",
                              "  thread: {target: hung, others: hung}\n"
                              "  process: {target: hung}\n")),
       "--placement", "thread"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  ExpectSent(r, "thread", "SIGSTOP");
  // Continued 100 ms later: the trial waits for it, and the stream ends as
  // if nothing happened.
  r = RunFaultlab(
      {"run",
       WriteScenario(Pipeline("{target: \"sink[0]\", kind: signal, signal: "
                              "SIGSTOP, resume_after_ms: 100, trigger: "
                              "{after_messages: 10}}",
                              "  thread: {target: completed, others: "
                              "completed}\n"
                              "  process: {target: completed}\n")),
       "--placement", "thread"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const json& f = Trial(r.json, "thread")["faults"][0];
  ASSERT_TRUE(f["sent"]["resumed_ms"].is_number()) << f.dump(1);
  EXPECT_GT(f["sent"]["resumed_ms"].get<double>(),
            f["sent"]["at_ms"].get<double>());
  EXPECT_TRUE(ProcessesInSession(r.sid).empty());
}

TEST(E2eSignalTest, SignalKeysAreCheckedWithAPosition) {
  RunOutput r = RunFaultlab(
      {"validate",
       WriteScenario(Pipeline("{target: \"relay[0]\", kind: signal, "
                              "signal: SIGKILL, resume_after_ms: "
                              "5}",
                              "  thread: {target: killed}\n"))},
      false);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(":11:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("resume_after_ms applies to SIGSTOP only"),
            std::string::npos)
      << r.err;
  r = RunFaultlab(
      {"validate",
       WriteScenario(Pipeline("{target: \"relay[0]\", kind: signal, signal: "
                              "SIGFOO}",
                              "  thread: {target: killed}\n"))},
      false);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("unknown signal 'SIGFOO'"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace faultlab::testing
