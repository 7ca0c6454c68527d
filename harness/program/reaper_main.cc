// faultlab-reaper TOKEN_PREFIX: started once per run by the supervisor,
// with a pipe on stdin. The supervisor writes "p pid start_ticks" for every
// program process it finds and "d path" for every trial directory it
// makes. When the pipe ends (the supervisor exited, or was SIGKILLed),
// every process listed that still has its start time, and every process
// carrying FAULTLAB_TRIAL=TOKEN_PREFIX..., is SIGKILLed, and the
// directories still there are removed. So a program's tree and its files
// never outlive the supervisor, even where PDEATHSIG (direct children
// only) cannot reach.
#include <signal.h>
#include <sys/pidfd.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "harness/program/process_tracker.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: faultlab-reaper TOKEN_PREFIX (stdin: a pipe)\n");
    return 2;
  }
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGPIPE}) signal(sig, SIG_IGN);
  std::vector<std::pair<pid_t, unsigned long long>> seen;
  std::vector<std::string> dirs;
  std::string line;
  char buf[4096];
  ssize_t n;
  while ((n = read(0, buf, sizeof buf)) != 0) {
    if (n < 0) continue;  // EINTR
    line.append(buf, n);
    size_t nl;
    while ((nl = line.find('\n')) != std::string::npos) {
      int pid = 0;
      unsigned long long start = 0;
      if (sscanf(line.c_str(), "p %d %llu", &pid, &start) == 2)
        seen.push_back({pid, start});
      // Only the supervisor's own trial directories.
      if (line.rfind("d /tmp/" + std::string(argv[1]), 0) == 0)
        dirs.push_back(line.substr(2, nl - 2));
      line.erase(0, nl + 1);
    }
  }
  // Twice: a process forking while the first sweep runs is caught by the
  // second (its child carries the token, or was reported).
  for (int round = 0; round < 2; ++round) {
    for (auto [pid, start] : seen) {
      if (faultlab::program::ProcStartTicks(pid) != start) continue;
      int fd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
      if (fd < 0) continue;
      syscall(SYS_pidfd_send_signal, fd, SIGKILL, nullptr, 0);
      close(fd);
    }
    faultlab::program::KillByToken(argv[1]);
    usleep(20000);
  }
  for (const std::string& d : dirs) {
    std::error_code ec;
    std::filesystem::remove_all(d, ec);
  }
  return 0;
}
