// The files a run writes (--json, --junit, --html, --out): checked before
// anything runs, so a bad path fails at once with exit 2 instead of after a
// long run, and written so that a reader never sees half a file and a kill
// at any moment leaves no temporary file behind.
#ifndef FAULTLAB_HARNESS_OUTPUT_FILES_H_
#define FAULTLAB_HARNESS_OUTPUT_FILES_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace faultlab {

// `outputs`: (option, path) pairs, path "" when not asked for. Returns the
// paths to write, in the same order: a symlink resolved to the file it
// names (it is written through, not replaced). Refuses, naming the option:
// two outputs that are one file, an existing path that is not a regular
// file (a device such as /dev/full, a directory, a FIFO), and a directory
// that does not exist or cannot be written.
[[nodiscard]] absl::StatusOr<std::vector<std::string>> PrepareOutputs(
    const std::vector<std::pair<std::string, std::string>>& outputs);

// Writes `content` to an unnamed file in `path`'s directory (O_TMPFILE),
// names it and renames it over `path`: no reader sees half a file, and a
// kill before the rename leaves nothing. Errors are printed with the errno
// (ENOSPC, EFBIG past `ulimit -f`, ...).
bool WriteFileAtomic(const std::string& path, const std::string& content);

}  // namespace faultlab

#endif  // FAULTLAB_HARNESS_OUTPUT_FILES_H_
