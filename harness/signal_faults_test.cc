#include "harness/signal_faults.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness/kept_subjects.h"
#include "harness/scenario_loader.h"

namespace faultlab {
namespace {

TEST(SignalFaultsTest, CrashSignalsAreThoseThatDumpCore) {
  for (int s : {SIGSEGV, SIGABRT, SIGBUS, SIGILL, SIGFPE})
    EXPECT_TRUE(IsCrashSignal(s)) << s;
  for (int s : {SIGKILL, SIGTERM, SIGINT, SIGHUP, SIGSTOP})
    EXPECT_FALSE(IsCrashSignal(s)) << s;
}

// A SIGSTOP with resume_after_ms, sent to a real child: the record says who
// sent what to which pid, the target's fault time is stamped, and the
// SIGCONT follows once it is due (not before).
TEST(SignalFaultsTest, SendsAtTheTriggerAndResumesWhenDue) {
  absl::StatusOr<Scenario> s = LoadScenarioText(R"(
name: stop
deadline_ms: 5000
workers: [{role: producer, messages: 10}, {role: sink}]
channels: [{from: producer, to: sink}]
fault: {target: "sink[0]", kind: signal, signal: SIGSTOP, resume_after_ms: 5000,
        trigger: {after_ms: 0}}
)",
                                                "stop.yaml");
  ASSERT_TRUE(s.ok()) << s.status();
  const pid_t child = fork();
  if (child == 0)
    for (;;) pause();
  TrialObservation obs;
  obs.plan = MakePlan(*s, s->placements[0], 1);
  obs.board = ScoreboardMapping::Create();
  ASSERT_TRUE(obs.board);
  obs.start_ns = MonotonicNs();
  ProcessRecord rec;
  rec.pid = child;
  rec.workers = {0, 1};
  obs.processes.push_back(rec);
  std::vector<UniqueFd> pidfds;
  pidfds.emplace_back(int(syscall(SYS_pidfd_open, child, 0)));
  ASSERT_TRUE(pidfds[0]);

  SignalSender sender(*s, obs.plan);
  sender.Tick(MonotonicNs(), &obs, pidfds);
  ASSERT_EQ(obs.sent.size(), 1u);
  EXPECT_EQ(obs.sent[0].pid, child);
  EXPECT_EQ(obs.sent[0].signo, SIGSTOP);
  EXPECT_EQ(obs.sent[0].sender, getpid());
  EXPECT_EQ(obs.sent[0].error, 0);
  EXPECT_EQ(obs.sent[0].target, 1);
  EXPECT_NE(obs.board->get()->workers[1].fault_ns.load(), 0u);
  EXPECT_TRUE(SignalSender::ResumePending(obs));
  siginfo_t info{};
  ASSERT_EQ(waitid(P_PID, child, &info, WSTOPPED), 0);
  EXPECT_EQ(info.si_status, SIGSTOP);

  sender.Tick(MonotonicNs(), &obs, pidfds);  // sent once, not again
  EXPECT_EQ(obs.sent.size(), 1u);
  sender.Tick(obs.sent[0].t_ns + 6'000'000'000, &obs, pidfds);  // due: SIGCONT
  EXPECT_NE(obs.sent[0].resumed_ns, 0u);
  EXPECT_FALSE(SignalSender::ResumePending(obs));
  ASSERT_EQ(waitid(P_PID, child, &info, WCONTINUED), 0);
  EXPECT_EQ(info.si_code, CLD_CONTINUED);
  kill(child, SIGKILL);
  waitpid(child, nullptr, 0);
}

}  // namespace
}  // namespace faultlab
