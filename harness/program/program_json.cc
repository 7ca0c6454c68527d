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

// null unless the trial had a raised fault.
json InjectorJson(const ProcessRow& p) {
  if (!p.armed && !p.crash) return nullptr;
  json crash = nullptr;
  if (p.crash)
    crash = {{"signal", p.crash->signal},
             {"si_code", p.crash->si_code},
             {"address", p.crash->address},
             {"tid", p.crash->tid},
             {"thread", p.crash->thread},
             {"program_handler_ran", p.crash->program_handler_ran}};
  return {{"armed", p.armed}, {"calls", Opt(p.calls)}, {"crash", crash}};
}

json RaisedJson(const RaisedRow& x) {
  return {{"kind", x.kind},
          {"variant", x.variant},
          {"call", x.call},
          {"after_calls", x.after_calls},
          {"random_calls", x.random_calls},
          {"after_ms", x.after_ms},
          {"thread_prefix", x.thread},
          {"fork", x.fork},
          {"injectable", x.injectable},
          {"not_injectable", x.not_injectable},
          {"precheck", x.precheck},
          {"handshakes", x.handshakes},
          {"pid", Opt(x.pid)},
          {"tid", x.pid ? json(x.tid) : json(nullptr)},
          {"thread", x.pid ? json(x.thread_hit) : json(nullptr)},
          {"call_count", x.pid ? json(x.call_count) : json(nullptr)},
          {"address", x.pid ? json(x.address) : json(nullptr)},
          {"program_handler", x.program_handler},
          {"program_handler_ran", x.program_handler_ran}};
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
                     {"outcome", std::string(OutcomeName(p.outcome))},
                     {"injector", InjectorJson(p)}});
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
            {"kind", r.raised ? r.raised->kind : "signal"},
            {"delivery", r.raised ? "raised" : "sent"},
            {"signal", r.fault_signal},
            {"si_code",
             r.fault_fired && !r.raised ? json("SI_USER") : json(nullptr)},
            {"sender_pid",
             r.fault_fired && !r.raised ? json(r.sender_pid) : json(nullptr)},
            {"t_ms", OptMs(r.fault_ms)},
            {"resumed_ms", OptMs(r.resumed_ms)},
            {"target_pids", r.target_pids},
            {"note", r.fault_note}}},
          {"raised", r.raised ? RaisedJson(*r.raised) : json(nullptr)},
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
