// The outcome vocabulary of RESULT_FORMAT.md and how each report shows it.
// One table, so the summary, the process boxes, the timeline, the legend and
// the console agree on colour and glyph.
#ifndef FAULTLAB_REPORTS_INTERNAL_OUTCOME_H_
#define FAULTLAB_REPORTS_INTERNAL_OUTCOME_H_

#include <span>
#include <string_view>

namespace faultlab::reports::internal {

struct OutcomeStyle {
  const char* name;   // "crashed"; "unknown" for anything unlisted
  const char* color;  // CSS colour of swatches and bars, e.g. "#d62d20"
  // The colour for text in this outcome: `color` darkened to a contrast of
  // at least 4.5:1 on the report's white and light grey (WCAG AA).
  const char* ink;
  const char* glyph;    // short mark drawn at the end of a lane
  const char* ansi;     // SGR parameters for the console, e.g. "31"
  const char* meaning;  // one-line legend text
};

// All known outcomes, in legend order.
std::span<const OutcomeStyle> AllOutcomes();

// The style of `outcome`; the "unknown" style if it is not a known outcome.
// The returned name is always safe to use as a CSS class suffix.
const OutcomeStyle& StyleOf(std::string_view outcome);

}  // namespace faultlab::reports::internal

#endif  // FAULTLAB_REPORTS_INTERNAL_OUTCOME_H_
