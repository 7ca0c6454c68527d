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

// A program's fault as it fired: "SIGSEGV sent (SI_USER)" or, raised by
// the injector, "segfault/null_write raised in thread conn-3 (pid P, tid
// T) at recv #150".
std::string ProgramFaultLabel(const nlohmann::json& program);

}  // namespace faultlab::reports::internal

#endif  // FAULTLAB_REPORTS_INTERNAL_PROGRAM_TEXT_H_
