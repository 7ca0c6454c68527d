// HTML fragments for one trial of a placement: process boxes, crash and hang
// evidence, stderr and the worker table. Each takes RESULT_FORMAT.md objects,
// escapes every string it copies and tolerates missing or null fields.
#ifndef FAULTLAB_REPORTS_INTERNAL_HTML_SECTIONS_H_
#define FAULTLAB_REPORTS_INTERNAL_HTML_SECTIONS_H_

#include <nlohmann/json.hpp>
#include <string>

namespace faultlab::reports::internal {

// One box per entry of trial.processes ("pid 4211 · killed by signal ...")
// holding a lane per worker, coloured by outcome, with a progress bar.
// Workers that no process lists get a box of their own.
void AppendProcessBoxes(const nlohmann::json& trial, std::string* out);

// Collapsed <details> blocks: crash, hang, stderr, worker table. Absent
// evidence (crash null, empty stderr) produces no block.
void AppendEvidence(const nlohmann::json& trial, std::string* out);

// "<ol class=frames>" with "#0 function file:line" items.
void AppendFrames(const nlohmann::json& frames, std::string* out);

}  // namespace faultlab::reports::internal

#endif  // FAULTLAB_REPORTS_INTERNAL_HTML_SECTIONS_H_
