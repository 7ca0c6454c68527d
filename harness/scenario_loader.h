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
