#include "harness/outcome.h"

namespace faultlab {

std::string_view OutcomeName(Outcome o) {
  switch (o) {
    case Outcome::kCompleted:
      return "completed";
    case Outcome::kCorrupted:
      return "corrupted";
    case Outcome::kCrashed:
      return "crashed";
    case Outcome::kCollateral:
      return "collateral";
    case Outcome::kHung:
      return "hung";
    case Outcome::kStalled:
      return "stalled";
    case Outcome::kDisconnected:
      return "disconnected";
    case Outcome::kExited:
      return "exited";
    case Outcome::kKilled:
      return "killed";
  }
  return "?";
}

std::optional<Outcome> ParseOutcome(std::string_view name) {
  for (Outcome o : kAllOutcomes)
    if (OutcomeName(o) == name) return o;
  return std::nullopt;
}

}  // namespace faultlab
