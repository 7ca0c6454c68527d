// Decodes a child's fate once, from the raw wait status (Boost.Process's
// exit_code() cannot tell exit(11) from SIGSEGV), and names signals and
// si_codes the way a reader expects to see them.
#ifndef FAULTLAB_HARNESS_EXIT_STATUS_H_
#define FAULTLAB_HARNESS_EXIT_STATUS_H_

#include <string>

namespace faultlab {

struct ExitStatus {
  bool exited = false;  // exited normally; see code
  int code = 0;
  bool signaled = false;  // killed by signal
  int signal = 0;
  bool core = false;

  static ExitStatus FromWaitStatus(int status);
  // "exited with code 0", "killed by signal SIGSEGV (core dumped)".
  std::string ToString() const;
};

// "SIGSEGV"; "SIG42" for one without a name.
std::string SignalName(int sig);
// "SEGV_MAPERR", "SI_TKILL", ... ; numeric if unknown.
std::string SiCodeName(int sig, int code);

}  // namespace faultlab

#endif  // FAULTLAB_HARNESS_EXIT_STATUS_H_
