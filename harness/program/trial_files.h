// A program's configuration files, written per trial: each `files:` entry
// is a template (a file beside the scenario) whose ${port}, ${tmp}, ...
// are filled in and written to ${tmp}/NAME before the program starts, so a
// real server's config can name the trial's own ports and directory.
#ifndef FAULTLAB_HARNESS_PROGRAM_TRIAL_FILES_H_
#define FAULTLAB_HARNESS_PROGRAM_TRIAL_FILES_H_

#include <vector>

#include "absl/status/status.h"
#include "harness/program/program_spec.h"

namespace faultlab::program {

// Templates larger than this are refused (a config, not a data set).
inline constexpr size_t kMaxTemplateBytes = 1 << 20;

// Writes every file under vars.tmp, creating its directories. A template
// that cannot be read or a file that cannot be written is the harness's
// failure, naming the path.
[[nodiscard]] absl::Status WriteTrialFiles(const std::vector<TrialFile>& files,
                                           const TrialVars& vars);

}  // namespace faultlab::program

#endif  // FAULTLAB_HARNESS_PROGRAM_TRIAL_FILES_H_
