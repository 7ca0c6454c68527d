// Loads and checks a scenario file. Every error names file:line:column,
// says what was expected, and suggests the nearest key for a misspelt one;
// nothing in a file is silently ignored. Errors are InvalidArgument.
#ifndef FAULTLAB_HARNESS_SCENARIO_LOADER_H_
#define FAULTLAB_HARNESS_SCENARIO_LOADER_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "harness/scenario.h"

namespace faultlab {

// The most a scenario file may hold; a longer input (or /dev/zero, or an
// endless pipe) is refused after reading this much plus one byte.
inline constexpr size_t kMaxScenarioBytes = 1 << 20;

// `path` "-" reads standard input (named "<stdin>" in errors).
[[nodiscard]] absl::StatusOr<Scenario> LoadScenarioFile(
    const std::string& path);
// `file` only names the source in errors.
[[nodiscard]] absl::StatusOr<Scenario> LoadScenarioText(
    std::string_view text, const std::string& file);

// The closest candidate within edit distance 2 (or a third of the length),
// or "" if none is close.
std::string NearestName(std::string_view word,
                        const std::vector<std::string>& candidates);

}  // namespace faultlab

#endif  // FAULTLAB_HARNESS_SCENARIO_LOADER_H_
