// The scenario files a run or a validation is given: directories expanded,
// every file loaded (all errors printed, not just the first), each checked
// against the worker host it runs on, and names unique in the run.
#ifndef FAULTLAB_HARNESS_SCENARIO_INPUTS_H_
#define FAULTLAB_HARNESS_SCENARIO_INPUTS_H_

#include <string>
#include <vector>

#include "harness/scenario.h"

namespace faultlab {

// Loads every scenario named by `inputs` (files, or directories of *.yaml
// files in name order) into *out; false after printing every error on
// stderr. `worker_exe` is the host of scenarios without `host:`.
bool LoadScenarios(const std::vector<std::string>& inputs,
                   const std::string& worker_exe, std::vector<Scenario>* out);

}  // namespace faultlab

#endif  // FAULTLAB_HARNESS_SCENARIO_INPUTS_H_
