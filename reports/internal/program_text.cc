#include "reports/internal/program_text.h"

#include <map>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "reports/internal/json_view.h"

namespace faultlab::reports::internal {
namespace {

using nlohmann::json;

std::string SentFaults(const json& trial) {
  std::string out;
  for (const json& f : Items(trial, "faults")) {
    const json& sent = Field(f, "sent");
    if (!sent.is_object()) continue;
    absl::StrAppend(&out, "fault: ", Str(sent, "signal", "?"), " sent (",
                    Str(sent, "si_code", "?"), ", sender pid ",
                    Str(sent, "sender_pid", "?"), ") to pid ",
                    Str(sent, "pid", "?"), " hosting ", Str(f, "target", "?"),
                    " at ", FormatMs(Num(sent, "at_ms")));
    if (std::optional<double> r = Num(sent, "resumed_ms"))
      absl::StrAppend(&out, ", SIGCONT at ", FormatMs(r));
    absl::StrAppend(&out, "\n");
  }
  return out;
}

void Tree(const json& procs, int64_t parent, int depth, std::string* out) {
  if (depth > 8) return;
  for (const json& p : procs) {
    if (Int(p, "parent_pid").value_or(0) != parent) continue;
    const int64_t pid = Int(p, "pid").value_or(0);
    absl::StrAppend(
        out, std::string(2 + 2 * depth, ' '), Str(p, "role", "other"), " ", pid,
        " (", Str(p, "comm", "?"), "): seen at ", FormatMs(Num(p, "seen_ms")),
        Bool(p, "launched").value_or(false) ? "" : ", found later");
    if (std::optional<double> e = Num(p, "exit_ms"))
      absl::StrAppend(out, ", ended at ", FormatMs(e));
    absl::StrAppend(
        out, ": ", Str(p, "outcome", "?"), " (", Str(p, "status", "?"), ")",
        Bool(p, "fault_target").value_or(false) ? " ← the fault" : "", "\n");
    Tree(procs, pid, depth + 1, out);
  }
}

}  // namespace

std::string ProgramFaultLabel(const json& prog) {
  const json& fault = Field(prog, "fault");
  const json& x = Field(prog, "raised");
  if (Str(fault, "delivery", "") != "raised" || !x.is_object())
    return absl::StrCat(Str(fault, "signal", "fault"), " sent (",
                        Str(fault, "si_code", "SI_USER"), ")");
  const std::string variant = Str(x, "variant", "");
  return absl::StrCat(Str(x, "kind", "fault"), variant.empty() ? "" : "/",
                      variant, " raised in thread ", Str(x, "thread", "?"),
                      " (pid ", Str(x, "pid", "?"), ", tid ",
                      Str(x, "tid", "?"), ") at ", Str(x, "call", "?"), " #",
                      Str(x, "call_count", "?"));
}

std::string ProgramText(const json& trial) {
  std::string out = SentFaults(trial);
  const json& prog = Field(trial, "program");
  if (!prog.is_object()) return out;
  const json& fault = Field(prog, "fault");
  if (Bool(fault, "fired").value_or(false))
    absl::StrAppend(
        &out, "fault: ", ProgramFaultLabel(prog),
        Str(fault, "delivery", "") == "raised"
            ? ""
            : absl::StrCat(", sender pid ", Str(fault, "sender_pid", "?")),
        " at ", FormatMs(Num(fault, "t_ms")), " from ready\n");
  const json& raised = Field(prog, "raised");
  if (raised.is_object() && !Bool(raised, "injectable").value_or(true))
    absl::StrAppend(
        &out, "fault: not injectable: ", Str(raised, "not_injectable", ""),
        Str(raised, "precheck", ""), "\n");
  const json& procs = Items(prog, "processes");
  std::map<int64_t, bool> known;
  for (const json& p : procs) known[Int(p, "pid").value_or(-1)] = true;
  absl::StrAppend(&out, "process tree (", procs.size(), " processes):\n");
  // Roots: processes whose parent is no tracked process.
  std::map<int64_t, bool> roots;
  for (const json& p : procs) {
    const int64_t ppid = Int(p, "parent_pid").value_or(0);
    if (!known.count(ppid)) roots[ppid] = true;
  }
  for (const auto& [ppid, unused] : roots) Tree(procs, ppid, 0, &out);
  for (const json& r : Items(prog, "roles")) {
    std::vector<std::string> lat;
    for (const json& d : Items(r, "respawn_latency_ms"))
      if (d.is_number()) lat.push_back(FormatMs(d.get<double>()));
    absl::StrAppend(
        &out, "role ", Str(r, "role", "?"), ": ", Str(r, "processes", "0"),
        " processes, ", Str(r, "respawns", "0"), " respawns",
        lat.empty() ? "" : absl::StrCat(" (", absl::StrJoin(lat, ", "), ")"),
        "\n");
  }
  for (const json& p : Items(prog, "probes"))
    absl::StrAppend(&out, "probe ", Str(p, "name", "?"), ": ",
                    Str(p, "passes", "0"), " passed, ", Str(p, "failures", "0"),
                    " failed\n");
  for (const json& c : Items(prog, "clients"))
    absl::StrAppend(&out, "client ", Str(c, "name", "?"), ": ",
                    Str(c, "established", "0"), " sessions established, ",
                    Str(c, "alive_at_fault", "0"), " open at the fault, ",
                    Str(c, "lost_at_fault", "0"), " of them lost, ",
                    Str(c, "requests", "0"), " requests\n");
  const json& rec = Field(prog, "recovery");
  absl::StrAppend(&out, "recovery after the fault: replacement seen ",
                  FormatMs(Num(rec, "replacement_ms")), ", first probe pass ",
                  FormatMs(Num(rec, "first_probe_pass_ms")), ", probes steady ",
                  FormatMs(Num(rec, "probes_steady_ms")), "\n");
  return out;
}

}  // namespace faultlab::reports::internal
