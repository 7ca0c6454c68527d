// Turns raw return addresses recorded by a (possibly dead) worker into
// function, file and line, outside the crashed process: each address is
// mapped to its object through the module table the worker recorded at
// start-up, and elfutils' libdwfl reads that object's symbols and DWARF in
// this process (inline frames included; see SymbolizerOptions for objects
// whose DWARF lives in a separate debug file). Each object is opened once and
// each (object, offset) resolved once per Symbolizer, that is per run.
// Thread-safe: parallel trials may share one Symbolizer.
//
// A module path read from a scoreboard the subject could scribble on may
// name anything: only regular files are opened (never blocking), and frames
// of an object that cannot be read keep only their module.
#ifndef FAULTLAB_HARNESS_SYMBOLIZER_H_
#define FAULTLAB_HARNESS_SYMBOLIZER_H_

#include <map>
#include <memory>
#include <mutex>
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
  // Also read DWARF from separate debug files (Debian's *-dbg packages), for
  // file:line and inline frames inside libc; costs ~50 ms of CPU per such
  // library per run. Without it those frames get their function names.
  bool separate_debug_dwarf = false;
};

class Symbolizer {
 public:
  explicit Symbolizer(SymbolizerOptions opts);
  ~Symbolizer();
  Symbolizer(const Symbolizer&) = delete;
  Symbolizer& operator=(const Symbolizer&) = delete;

  // One FrameResult per recorded frame, preceded by the frames inlined at
  // that address (innermost first, each with `inlined` set).
  // `main_exe`: the executable the worker ran (its module has no name in
  // the record); empty: the options' main_exe (faultlab-worker).
  std::vector<FrameResult> Symbolize(const CrashRecord& rec,
                                     const WorkerSlot& slot,
                                     const std::string& main_exe = "");

  // Opens the worker executable and reads its symbol table now, which the
  // first crash would otherwise wait for: meant for a thread of its own
  // while the first trial runs.
  void Preload();

 private:
  class Object;  // one ELF file and its debug info, opened on first use
  using Frames = std::vector<FrameResult>;

  const Frames& Resolve(const std::string& path, uint64_t offset);

  SymbolizerOptions opts_;
  std::mutex mu_;  // guards everything below; libdwfl is not thread-safe
  std::map<std::string, std::unique_ptr<Object>> objects_;
  std::map<std::pair<std::string, uint64_t>, Frames> cache_;
};

}  // namespace faultlab

#endif  // FAULTLAB_HARNESS_SYMBOLIZER_H_
