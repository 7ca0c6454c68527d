// Merges the results of the shards of one run (`faultlab run --shard K/N`,
// or a sharding environment) into the result the unsharded run would have
// had: trials back in the whole run's order (run_index), and every verdict,
// rate and summary judged again from the trials' own checks, as the run
// judges them (harness/verdict.h). Checks that the inputs are the shards of
// one run: the same shard count, each shard once, no trial twice.
#ifndef FAULTLAB_HARNESS_MERGE_H_
#define FAULTLAB_HARNESS_MERGE_H_

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace faultlab {

// `docs[i]` was read from `names[i]` (for messages and "merged_from"). An
// InvalidArgument error names the file and what is wrong.
absl::StatusOr<nlohmann::json> MergeResults(
    const std::vector<nlohmann::json>& docs,
    const std::vector<std::string>& names);

}  // namespace faultlab

#endif  // FAULTLAB_HARNESS_MERGE_H_
