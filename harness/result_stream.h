// Writes a run's JSON and JUnit files as its trials finish, at a cost per
// trial that does not grow with the run: each finished trial is appended in
// place, and only what follows it (closing brackets, the open placement's
// checks, the totals in fixed-width start tags) is rewritten. The files on
// disk are well-formed and hold every finished trial between writes, so a
// SIGKILL of the supervisor leaves them readable. (Readers that poll the
// file while it grows can catch a write half-done; rename() is kept for
// the end.)
//
// The JSON file is the result document itself (reports/RESULT_FORMAT.md)
// as it grows. The JUnit file holds one <testcase> per trial ("thread #3")
// while the run goes on; Finish() replaces it (rename) with RenderJunit()'s
// one <testcase> per placement. Not thread-safe; one writer per run.
#ifndef FAULTLAB_HARNESS_RESULT_STREAM_H_
#define FAULTLAB_HARNESS_RESULT_STREAM_H_

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "harness/result.h"

namespace faultlab {

class ResultStream {
 public:
  // An empty path: that file is not written. Both files exist, well-formed
  // and empty of trials, when this returns; nullptr (after a message on
  // stderr) when one cannot be created.
  static std::unique_ptr<ResultStream> Open(const std::string& json_path,
                                            const std::string& junit_path,
                                            const RunResult& run);
  ~ResultStream();

  // The trial just added to `run` (run.scenarios.back().placements.back()
  // .trials.back()) with its own `checks`; the rest of `run` as it stands
  // after it. Trials come in report order: a new scenario or placement is
  // one `run` did not have at the previous call.
  bool Add(const RunResult& run, const std::vector<CheckResult>& checks);

  // The run is over (complete or not). `result` is ToJson(run).
  bool Finish(const RunResult& run, const nlohmann::json& result);

 private:
  class JsonFile;
  class JunitFile;
  ResultStream() = default;

  std::unique_ptr<JsonFile> json_;
  std::unique_ptr<JunitFile> junit_;
};

}  // namespace faultlab

#endif  // FAULTLAB_HARNESS_RESULT_STREAM_H_
