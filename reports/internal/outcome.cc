#include "reports/internal/outcome.h"

#include <array>

namespace faultlab::reports::internal {
namespace {

// Colours per RESULT_FORMAT.md: completed green, disconnected grey, crashed
// red, collateral orange, corrupted purple, stalled/hung amber, exited/killed
// dark red. Hung and stalled differ in shade; exited and killed in glyph.
constexpr std::array<OutcomeStyle, 9> kOutcomes = {{
    {"completed", "#2f9e44", "#257c35", "✓", "32",
     "ran to the end, data verified"},
    {"disconnected", "#868e96", "#686e74", "○", "90",
     "saw its peer go away, stopped cleanly"},
    {"crashed", "#e03131", "#c92a2a", "✕", "1;31",
     "the fault's own signal or abort"},
    {"collateral", "#f76707", "#b64c05", "✕", "33",
     "killed because a sibling in its process crashed"},
    {"corrupted", "#9c36b5", "#9c36b5", "!", "35",
     "ran to the end, data fails verification"},
    {"hung", "#f59f00", "#976200", "‖", "1;33",
     "no progress: lock cycle or blocking read"},
    {"stalled", "#fcc419", "#88690d", "‖", "33",
     "blocked on a channel whose peer is gone"},
    {"exited", "#a61e4d", "#a61e4d", "⊘", "31", "unexpected exit code"},
    {"killed", "#862e2e", "#862e2e", "†", "31",
     "killed by the supervisor at the deadline"},
}};

constexpr OutcomeStyle kUnknown = {
    "unknown", "#495057", "#495057", "?", "0", "outcome not recorded"};

}  // namespace

std::span<const OutcomeStyle> AllOutcomes() { return kOutcomes; }

const OutcomeStyle& StyleOf(std::string_view outcome) {
  for (const OutcomeStyle& s : kOutcomes) {
    if (outcome == s.name) return s;
  }
  return kUnknown;
}

}  // namespace faultlab::reports::internal
