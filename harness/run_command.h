// `faultlab run`: loads every scenario first (bad input stops the run before
// anything is spawned), runs each placement's trials, classifies, checks
// expectations, prints a table per scenario, and adds each finished trial to
// the JSON and JUnit outputs (harness/result_stream.h) so an interrupted or
// killed run leaves well-formed files holding every finished trial; the
// HTML is written at the end.
#ifndef FAULTLAB_HARNESS_RUN_COMMAND_H_
#define FAULTLAB_HARNESS_RUN_COMMAND_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "harness/outcome.h"
#include "harness/output_files.h"
#include "harness/scenario.h"

namespace faultlab {

struct RunOptions {
  std::vector<std::string> scenarios;
  // Placement names to run (thread, process, a scenario's own); empty:
  // every placement each scenario lists.
  std::vector<std::string> placements;
  int repeat = 1;
  int jobs = 1;  // trials run at once
  std::optional<uint64_t> seed;
  std::string json_path, junit_path, html_path, out_dir;
  std::string worker_exe;
  std::string command_line;
  bool color = false;         // ANSI colours on stdout (--color, resolved)
  bool progress_tty = false;  // stderr is a terminal: progress in place
  size_t width = 0;           // terminal columns for the tables; 0: no limit
  bool quiet = false;
  // A placement without `expect:` fails instead of passing with a flag.
  bool strict = false;
  // How subjects start: "fork-server" (one pre-started faultlab-worker
  // forks each) or "exec" (fork + exec of faultlab-worker per subject).
  std::string launch = "fork-server";
  bool verbose = false;  // every repeated trial in full
  // -k: scenario name patterns (a glob, or a substring); any may match.
  std::vector<std::string> filters;
  bool list = false;       // print what would run, run nothing
  bool fail_fast = false;  // stop once a placement can no longer pass
  // Run only shard `shard_index` (0-based) of `shard_total`: the trials whose
  // position in the whole run is shard_index modulo shard_total.
  int shard_index = 0, shard_total = 1;
  bool sharded = false;           // --shard or a sharding environment
  std::string shard_status_file;  // touched when set (Bazel's protocol)
  // --keep-failed[=SECONDS]: a failed trial's live subjects are left
  // stopped for a debugger this long at most (or until a line on stdin),
  // then killed and reaped as always. 0: off.
  int keep_failed_s = 0;
};

// Exit status: 0 every expectation met, 1 one failed, 2 bad input or a
// harness error, 130 interrupted.
int RunCommand(const RunOptions& opts);
// `inputs`: files, or directories standing for their *.yaml files; each is
// checked against its host too (`host:`, or worker_exe).
int ValidateCommand(const std::vector<std::string>& inputs,
                    const std::string& worker_exe);
// The line `faultlab validate` prints for a scenario it accepted.
std::string ValidateLine(const Scenario& s);
int ListCommand();
// Re-renders one result, or merges several (the shards of one run) into
// the result the unsharded run would have had, then renders it; `out_json`
// writes the (merged) result.
int ReportCommand(const std::vector<std::string>& json_paths,
                  const std::string& html_path, const std::string& junit_path,
                  const std::string& out_json);

}  // namespace faultlab

#endif  // FAULTLAB_HARNESS_RUN_COMMAND_H_
