#include "harness/kept_subjects.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

namespace faultlab {
namespace {

// A child in a process group of its own that sleeps until killed.
pid_t SleepingChild() {
  const pid_t pid = fork();
  if (pid == 0) {
    setpgid(0, 0);
    for (;;) pause();
  }
  setpgid(pid, pid);  // either side may win the race; both set the same
  return pid;
}

TEST(KeptSubjectsTest, StopsTheGroupThenKillsAndReapsIt) {
  const pid_t pid = SleepingChild();
  ASSERT_GT(pid, 0);
  const std::vector<bool> stopped = KeptSubjects::StopGroup(pid, {pid});
  ASSERT_EQ(stopped.size(), 1u);
  EXPECT_TRUE(stopped[0]);
  EXPECT_EQ(ProcessState(pid), 'T');
  std::vector<KeptSubjects::Process> procs(1);
  procs[0].pid = pid;
  procs[0].stopped = true;
  {
    KeptSubjects kept(pid, std::move(procs));
    EXPECT_EQ(kept.processes()[0].pid, pid);
    EXPECT_EQ(ProcessState(pid), 'T');  // kept while the owner holds it
    EXPECT_EQ(kept.KillAndReap(), 1);
    EXPECT_EQ(kept.KillAndReap(), 0);  // idempotent
  }
  EXPECT_EQ(ProcessState(pid), 0);  // gone: reaped, no zombie left
  EXPECT_EQ(waitpid(pid, nullptr, WNOHANG), -1);
}

TEST(KeptSubjectsTest, DestroyingItKillsWhatItHolds) {
  const pid_t pid = SleepingChild();
  ASSERT_GT(pid, 0);
  KeptSubjects::StopGroup(pid, {pid});
  {
    std::vector<KeptSubjects::Process> procs(1);
    procs[0].pid = pid;
    KeptSubjects kept(pid, std::move(procs));
  }
  EXPECT_EQ(ProcessState(pid), 0);
}

TEST(KeptSubjectsTest, StateOfAProcessThatIsGoneIsZero) {
  EXPECT_EQ(ProcessState(getpid()), 'R');
  const pid_t pid = fork();
  if (pid == 0) _exit(0);
  waitpid(pid, nullptr, 0);
  EXPECT_EQ(ProcessState(pid), 0);
}

}  // namespace
}  // namespace faultlab
