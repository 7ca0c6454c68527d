// Loads a program scenario (a top-level `program:` key) into a Scenario
// whose `program` holds the spec. Errors are InvalidArgument with
// file:line:column, like the worker scenario loader's.
#ifndef FAULTLAB_HARNESS_PROGRAM_PROGRAM_LOADER_H_
#define FAULTLAB_HARNESS_PROGRAM_PROGRAM_LOADER_H_

#include <yaml-cpp/yaml.h>

#include <string>

#include "absl/status/statusor.h"
#include "harness/scenario.h"

namespace faultlab::program {

[[nodiscard]] absl::StatusOr<Scenario> LoadProgramScenario(
    const YAML::Node& root, const std::string& file);

}  // namespace faultlab::program

#endif  // FAULTLAB_HARNESS_PROGRAM_PROGRAM_LOADER_H_
