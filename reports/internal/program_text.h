// A program trial (its "program" object) and a sent signal fault as plain
// text lines, for JUnit's <system-out>: the fault as sent, the process tree
// with respawns, probes, clients and the recovery times.
#ifndef FAULTLAB_REPORTS_INTERNAL_PROGRAM_TEXT_H_
#define FAULTLAB_REPORTS_INTERNAL_PROGRAM_TEXT_H_

#include <nlohmann/json.hpp>
#include <string>

namespace faultlab::reports::internal {

// "" when the trial has neither a program object nor a sent fault.
std::string ProgramText(const nlohmann::json& trial);

}  // namespace faultlab::reports::internal

#endif  // FAULTLAB_REPORTS_INTERNAL_PROGRAM_TEXT_H_
