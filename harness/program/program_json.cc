#include "harness/program/program_result.h"
#include "harness/program/socket_activation.h"

namespace faultlab::program {
namespace {

using nlohmann::json;

template <typename T>
json Opt(const std::optional<T>& v) {
  return v ? json(*v) : json(nullptr);
}

double Round(double ms) { return double(int64_t(ms * 1000)) / 1000; }

json OptMs(const std::optional<double>& v) {
  return v ? json(Round(*v)) : json(nullptr);
}

}  // namespace

json ProgramJson(const ProgramResult& r) {
  json procs = json::array(), roles = json::array(), probes = json::array(),
       clients = json::array(), sessions = json::array();
  for (const ProcessRow& p : r.processes)
    procs.push_back({{"pid", p.pid},
                     {"start_ticks", p.start_ticks},
                     {"role", p.role},
                     {"parent_pid", Opt(p.parent_pid)},
                     {"launched", p.launched},
                     {"orphan", p.orphan},
                     {"comm", p.comm},
                     {"cmdline", p.cmdline},
                     {"seen_ms", Round(p.seen_ms)},
                     {"exit_ms", OptMs(p.exit_ms)},
                     {"status", p.status},
                     {"signal", Opt(p.signal)},
                     {"exit_code", Opt(p.exit_code)},
                     {"fault_target", p.fault_target},
                     {"outcome", std::string(OutcomeName(p.outcome))}});
  for (const RoleRow& x : r.roles) {
    json lat = json::array();
    for (double d : x.respawn_latency_ms) lat.push_back(Round(d));
    roles.push_back({{"role", x.role},
                     {"processes", x.processes},
                     {"crashed", x.crashed},
                     {"exited", x.exited},
                     {"survived", x.survived},
                     {"respawned", x.respawned},
                     {"respawns", x.respawns},
                     {"respawn_latency_ms", lat}});
  }
  for (const ProbeRow& p : r.probes) {
    json ev = json::array();
    for (const auto& [t, ok, lat, detail] : p.events)
      ev.push_back({{"t_ms", Round(t)},
                    {"ok", ok},
                    {"latency_ms", Round(lat)},
                    {"detail", detail}});
    probes.push_back(
        {{"name", p.name},
         {"kind", p.kind},
         {"target", p.target},
         {"passes", p.passes},
         {"failures", p.failures},
         {"failed_after_fault", p.failed_after_fault},
         {"passing_at_end", Opt(p.passing_at_end)},
         {"first_pass_after_failure_ms", OptMs(p.first_pass_after_failure_ms)},
         {"steady_ms", OptMs(p.steady_ms)},
         {"events", ev}});
  }
  for (const ClientRow& c : r.clients)
    clients.push_back({{"name", c.name},
                       {"kind", c.kind},
                       {"target", c.target},
                       {"sessions", c.sessions},
                       {"established", c.established},
                       {"lost", c.lost},
                       {"alive_at_fault", c.alive_at_fault},
                       {"lost_at_fault", c.lost_at_fault},
                       {"survived", c.survived},
                       {"requests", c.requests},
                       {"errors", c.errors}});
  for (const SessionRow& s : r.sessions)
    sessions.push_back({{"client", s.client},
                        {"slot", s.slot},
                        {"start_ms", Round(s.start_ms)},
                        {"end_ms", OptMs(s.end_ms)},
                        {"requests", s.requests},
                        {"established", s.established},
                        {"alive_at_fault", s.alive_at_fault},
                        {"error", s.error},
                        {"detail", s.detail}});
  json listen = json::array();
  for (size_t i = 0; i < r.listen.size(); ++i)
    listen.push_back({{"name", r.listen[i].name},
                      {"address", r.listen[i].address},
                      {"fd", kListenFdsStart + int(i)}});
  return {{"command", r.command},
          {"listen", listen},
          {"tracking", r.tracking},
          {"ready_ms", OptMs(r.ready_ms)},
          {"ready_error", r.ready_error},
          {"fault",
           {{"present", r.fault_present},
            {"fired", r.fault_fired},
            {"kind", "signal"},
            {"delivery", "sent"},
            {"signal", r.fault_signal},
            {"si_code", r.fault_fired ? json("SI_USER") : json(nullptr)},
            {"sender_pid", r.fault_fired ? json(r.sender_pid) : json(nullptr)},
            {"t_ms", OptMs(r.fault_ms)},
            {"resumed_ms", OptMs(r.resumed_ms)},
            {"target_pids", r.target_pids},
            {"note", r.fault_note}}},
          {"recovery",
           {{"replacement_ms", OptMs(r.replacement_ms)},
            {"first_probe_pass_ms", OptMs(r.first_probe_pass_ms)},
            {"probes_steady_ms", OptMs(r.probes_steady_ms)}}},
          {"processes", procs},
          {"roles", roles},
          {"probes", probes},
          {"clients", clients},
          {"sessions", sessions},
          {"stdout", r.stdout_text}};
}

}  // namespace faultlab::program
