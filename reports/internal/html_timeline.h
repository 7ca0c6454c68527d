// The SVG timeline of one trial, inline in the HTML report.
#ifndef FAULTLAB_REPORTS_INTERNAL_HTML_TIMELINE_H_
#define FAULTLAB_REPORTS_INTERNAL_HTML_TIMELINE_H_

#include <nlohmann/json.hpp>
#include <string>

namespace faultlab::reports::internal {

// One <svg> with a lane per worker of `trial` (RESULT_FORMAT.md trial object):
// the progress line coloured by outcome, the fault, each process's death and
// its detection, channel events and hang detection, each with a <title>
// tooltip. Tolerates any missing field; returns "" for a trial with no workers.
std::string RenderTimeline(const nlohmann::json& trial);

// A one-line HTML key to the timeline's symbols.
const char* TimelineKey();

}  // namespace faultlab::reports::internal

#endif  // FAULTLAB_REPORTS_INTERNAL_HTML_TIMELINE_H_
