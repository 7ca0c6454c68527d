// Turns raw return addresses recorded by a (possibly dead) worker into
// function, file and line, outside the crashed process: each address is
// mapped to its object through the module table the worker recorded at
// start-up, and addr2line reads that object's symbols and debug info.
// Results are cached per (object, offset). Not thread-safe.
//
// addr2line is given a time limit: a module path read from a scoreboard the
// subject could scribble on may name anything, and the supervisor must not
// hang on it. Frames it could not resolve in time keep only their module.
#ifndef FAULTLAB_HARNESS_SYMBOLIZER_H_
#define FAULTLAB_HARNESS_SYMBOLIZER_H_

#include <chrono>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "harness/result.h"
#include "workers/scoreboard.h"

namespace faultlab {

struct SymbolizerOptions {
  // Stripped from file names ("/src/workers/x.cc" -> "workers/x.cc").
  std::string source_dir;
  // The worker executable: the module a worker records without a name.
  std::string main_exe;
  std::string addr2line = "/usr/bin/addr2line";
  // For one addr2line run (one module's addresses).
  std::chrono::milliseconds timeout{10'000};
};

class Symbolizer {
 public:
  explicit Symbolizer(SymbolizerOptions opts) : opts_(std::move(opts)) {}

  std::vector<FrameResult> Symbolize(const CrashRecord& rec,
                                     const WorkerSlot& slot);

 private:
  void Resolve(const std::string& path, const std::vector<uint64_t>& offsets);

  SymbolizerOptions opts_;
  std::map<std::pair<std::string, uint64_t>, FrameResult> cache_;
};

}  // namespace faultlab

#endif  // FAULTLAB_HARNESS_SYMBOLIZER_H_
