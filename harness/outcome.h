// Per-worker outcomes, with their names as they appear in scenarios, JSON
// and reports.
#ifndef FAULTLAB_HARNESS_OUTCOME_H_
#define FAULTLAB_HARNESS_OUTCOME_H_

#include <optional>
#include <string_view>

namespace faultlab {

enum class Outcome {
  kCompleted,     // ran to the end, data verified
  kCorrupted,     // ran to the end, data failed verification
  kCrashed,       // its own code died (the fault's signal or abort)
  kCollateral,    // killed because a sibling in its process died
  kHung,          // no progress: in a cycle, spinning, or asleep for good
  kStalled,       // blocked on a channel or lock whose peer is gone or hung
  kDisconnected,  // saw EOF/EPIPE/ECONNRESET/dead owner and stopped cleanly
  kExited,        // its process exited with an unexpected code
  kKilled,        // killed by the supervisor at the deadline, still busy
};
inline constexpr Outcome kAllOutcomes[] = {
    Outcome::kCompleted,    Outcome::kCorrupted, Outcome::kCrashed,
    Outcome::kCollateral,   Outcome::kHung,      Outcome::kStalled,
    Outcome::kDisconnected, Outcome::kExited,    Outcome::kKilled};

std::string_view OutcomeName(Outcome o);
std::optional<Outcome> ParseOutcome(std::string_view name);

}  // namespace faultlab

#endif  // FAULTLAB_HARNESS_OUTCOME_H_
