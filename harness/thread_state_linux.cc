// /proc/PID/task/TID/stat: "TID (COMM) STATE ...". COMM may hold spaces and
// parentheses, so the state is the first field after the last ')'.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "harness/thread_state.h"

namespace faultlab {

bool ThreadRunnable(int pid, int tid) {
  if (pid <= 0 || tid <= 0) return false;
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/task/%d/stat", pid, tid);
  const int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  char buf[512];
  ssize_t n;
  do {
    n = read(fd, buf, sizeof buf - 1);
  } while (n < 0 && errno == EINTR);
  close(fd);
  if (n <= 0) return false;
  buf[n] = '\0';
  const char* close_paren = strrchr(buf, ')');
  return close_paren && close_paren[1] == ' ' && close_paren[2] == 'R';
}

}  // namespace faultlab
