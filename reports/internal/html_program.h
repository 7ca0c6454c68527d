// The SVG timeline of a program trial (a trial with a "program" object,
// RESULT_FORMAT.md): the process tree over time with its respawns, a lane
// per probe, a lane per client session slot, the fault marker and the
// recovery bars, on one time axis (ms from "ready").
#ifndef FAULTLAB_REPORTS_INTERNAL_HTML_PROGRAM_H_
#define FAULTLAB_REPORTS_INTERNAL_HTML_PROGRAM_H_

#include <nlohmann/json.hpp>
#include <string>

namespace faultlab::reports::internal {

// One <svg>; "" when the trial has no program object. Tolerates any missing
// field.
std::string RenderProgramTimeline(const nlohmann::json& trial);

// A one-line HTML key to its symbols.
const char* ProgramTimelineKey();

}  // namespace faultlab::reports::internal

#endif  // FAULTLAB_REPORTS_INTERNAL_HTML_PROGRAM_H_
