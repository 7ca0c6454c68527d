// Run progress for the person watching: on a terminal, one line rewritten in
// place after every trial ("[ 12/120] 2 failed · 3.1 trials/s · ETA 35 s ·
// segfault [thread]"), cleared before anything else is printed; elsewhere
// (a CI log), one plain line per finished scenario. Writes to stderr, so the
// tables on stdout stay clean for a pipe. Not thread-safe.
#ifndef FAULTLAB_HARNESS_PROGRESS_H_
#define FAULTLAB_HARNESS_PROGRESS_H_

#include <cstdint>
#include <cstdio>
#include <string>

namespace faultlab {

class Progress {
 public:
  // `tty`: rewrite one line in place; `enabled` false prints nothing.
  Progress(FILE* out, size_t total, bool tty, bool enabled);
  ~Progress();

  // A trial finished (`failed`: its verdict); `label` names what runs next.
  void Trial(bool failed, const std::string& label);
  // A scenario's trials are all done (plain mode prints its line here).
  void ScenarioDone(const std::string& name);
  // Before other output: clears the in-place line (it comes back with the
  // next trial).
  void Clear();

  // "[ 12/120] 2 failed · 3.1 trials/s · ETA 35 s" for `elapsed_s` seconds.
  static std::string Text(size_t done, size_t total, size_t failed,
                          double elapsed_s);

 private:
  FILE* out_;
  size_t total_, done_ = 0, failed_ = 0;
  bool tty_, enabled_, shown_ = false;
  uint64_t start_ns_;
};

}  // namespace faultlab

#endif  // FAULTLAB_HARNESS_PROGRESS_H_
