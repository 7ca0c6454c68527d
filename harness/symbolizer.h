// Turns raw return addresses recorded by a (possibly dead) worker into
// function, file and line, outside the crashed process: each address is
// mapped to its object through the module table the worker recorded at
// start-up, and addr2line reads that object's symbols and debug info.
// Results are cached per (object, offset). Not thread-safe.
#ifndef FAULTLAB_HARNESS_SYMBOLIZER_H_
#define FAULTLAB_HARNESS_SYMBOLIZER_H_

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "harness/result.h"
#include "workers/scoreboard.h"

namespace faultlab {

class Symbolizer {
 public:
  // `source_dir` is stripped from file names ("/src/workers/x.cc" ->
  // "workers/x.cc").
  explicit Symbolizer(std::string source_dir)
      : source_dir_(std::move(source_dir)) {}

  std::vector<FrameResult> Symbolize(const CrashRecord& rec,
                                     const WorkerSlot& slot);

 private:
  void Resolve(const std::string& path, const std::vector<uint64_t>& offsets);

  std::string source_dir_;
  std::map<std::pair<std::string, uint64_t>, FrameResult> cache_;
};

}  // namespace faultlab

#endif  // FAULTLAB_HARNESS_SYMBOLIZER_H_
