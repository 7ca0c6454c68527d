#include "harness/exit_status.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

namespace faultlab {
namespace {

int StatusOfChild(void (*body)()) {
  pid_t pid = fork();
  if (pid == 0) {
    body();
    _exit(0);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return status;
}

TEST(ExitStatusTest, TellsExit11FromSigsegv) {
  ExitStatus exit11 =
      ExitStatus::FromWaitStatus(StatusOfChild([] { _exit(11); }));
  ExitStatus segv = ExitStatus::FromWaitStatus(StatusOfChild([] {
    signal(SIGSEGV, SIG_DFL);
    raise(SIGSEGV);
  }));
  EXPECT_TRUE(exit11.exited);
  EXPECT_EQ(exit11.code, 11);
  EXPECT_FALSE(exit11.signaled);
  EXPECT_TRUE(segv.signaled);
  EXPECT_EQ(segv.signal, SIGSEGV);
  EXPECT_EQ(exit11.ToString(), "exited with code 11");
  EXPECT_EQ(segv.ToString().rfind("killed by signal SIGSEGV", 0), 0u);
}

TEST(ExitStatusTest, NamesSignalsAndCodes) {
  EXPECT_EQ(SignalName(SIGABRT), "SIGABRT");
  EXPECT_EQ(SiCodeName(SIGSEGV, SEGV_MAPERR), "SEGV_MAPERR");
  EXPECT_EQ(SiCodeName(SIGSEGV, SEGV_ACCERR), "SEGV_ACCERR");
  EXPECT_EQ(SiCodeName(SIGABRT, SI_TKILL), "SI_TKILL");
  EXPECT_EQ(SiCodeName(SIGBUS, 77), "77");
}

}  // namespace
}  // namespace faultlab
