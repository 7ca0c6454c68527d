// What a worker host holds (its registered components and fault points, as
// `HOST --faultlab-list` prints them), and the check of a scenario against
// it: a component or point the host lacks is bad input (file:line:column),
// found before anything is spawned.
#ifndef FAULTLAB_HARNESS_HOST_CHECK_H_
#define FAULTLAB_HARNESS_HOST_CHECK_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "harness/scenario.h"

namespace faultlab {

struct HostInventory {
  std::vector<std::string> components, points;
};

// Runs `exe --faultlab-list` (a few seconds at most) and reads its lines.
absl::StatusOr<HostInventory> QueryHost(const std::string& exe);

// The scenario's components and fault points are all in `host`. The error
// names the scenario position, the host, and the nearest name it has.
absl::Status CheckAgainstHost(const Scenario& s, const std::string& exe,
                              const HostInventory& host);

}  // namespace faultlab

#endif  // FAULTLAB_HARNESS_HOST_CHECK_H_
