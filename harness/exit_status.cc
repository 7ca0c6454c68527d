#include "harness/exit_status.h"

#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include "absl/strings/str_cat.h"

namespace faultlab {

ExitStatus ExitStatus::FromWaitStatus(int status) {
  ExitStatus e;
  if (WIFEXITED(status)) {
    e.exited = true;
    e.code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    e.signaled = true;
    e.signal = WTERMSIG(status);
    e.core = WCOREDUMP(status);
  }
  return e;
}

std::string ExitStatus::ToString() const {
  if (exited) return absl::StrCat("exited with code ", code);
  if (signaled)
    return absl::StrCat("killed by signal ", SignalName(signal),
                        core ? " (core dumped)" : "");
  return "still running";
}

std::string SignalName(int sig) {
  const char* abbrev = sigabbrev_np(sig);
  if (abbrev) return absl::StrCat("SIG", abbrev);
  return absl::StrCat("SIG", sig);
}

std::string SiCodeName(int sig, int code) {
  switch (code) {
    case SI_USER:
      return "SI_USER";
    case SI_KERNEL:
      return "SI_KERNEL";
    case SI_QUEUE:
      return "SI_QUEUE";
    case SI_TKILL:
      return "SI_TKILL";
    case SI_TIMER:
      return "SI_TIMER";
    case SI_MESGQ:
      return "SI_MESGQ";
    case SI_ASYNCIO:
      return "SI_ASYNCIO";
  }
  if (sig == SIGSEGV) {
    switch (code) {
      case SEGV_MAPERR:
        return "SEGV_MAPERR";
      case SEGV_ACCERR:
        return "SEGV_ACCERR";
      case SEGV_BNDERR:
        return "SEGV_BNDERR";
      case SEGV_PKUERR:
        return "SEGV_PKUERR";
    }
  } else if (sig == SIGBUS) {
    switch (code) {
      case BUS_ADRALN:
        return "BUS_ADRALN";
      case BUS_ADRERR:
        return "BUS_ADRERR";
      case BUS_OBJERR:
        return "BUS_OBJERR";
    }
  } else if (sig == SIGILL) {
    switch (code) {
      case ILL_ILLOPC:
        return "ILL_ILLOPC";
      case ILL_ILLOPN:
        return "ILL_ILLOPN";
      case ILL_PRVOPC:
        return "ILL_PRVOPC";
    }
  } else if (sig == SIGFPE) {
    switch (code) {
      case FPE_INTDIV:
        return "FPE_INTDIV";
      case FPE_INTOVF:
        return "FPE_INTOVF";
      case FPE_FLTDIV:
        return "FPE_FLTDIV";
    }
  }
  return absl::StrCat(code);
}

}  // namespace faultlab
