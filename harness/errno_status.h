// errno (or a returned error number) as a Status that names the call and its
// argument: "waitpid(1234): No child processes".
#ifndef FAULTLAB_HARNESS_ERRNO_STATUS_H_
#define FAULTLAB_HARNESS_ERRNO_STATUS_H_

#include <errno.h>
#include <string.h>

#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace faultlab {

inline absl::Status ErrnoStatus(const std::string& call, const std::string& arg,
                                int err = errno) {
  return absl::InternalError(
      absl::StrCat(call, "(", arg, "): ", strerror(err)));
}

// Retries a system call while it fails with EINTR.
template <typename F>
auto RetryEintr(F f) {
  decltype(f()) r;
  do r = f();
  while (r == -1 && errno == EINTR);
  return r;
}

}  // namespace faultlab

#endif  // FAULTLAB_HARNESS_ERRNO_STATUS_H_
