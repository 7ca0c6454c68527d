#include "absl/strings/str_format.h"
#include "harness/program/program_result.h"
#include "harness/result.h"

namespace faultlab {
namespace {

using nlohmann::json;

std::string Hex(uint64_t a) { return absl::StrFormat("0x%016x", a); }

template <typename T>
json Opt(const std::optional<T>& v) {
  return v ? json(*v) : json(nullptr);
}

json FramesJson(const std::vector<FrameResult>& frames) {
  json out = json::array();
  for (const FrameResult& f : frames)
    out.push_back({{"function", f.function},
                   {"file", f.file},
                   {"line", f.line},
                   {"address", absl::StrFormat("0x%x", f.address)},
                   {"module", f.module},
                   {"inlined", f.inlined}});
  return out;
}

json StackJson(const StackResult& s) {
  return {{"worker", s.worker},   {"thread", s.thread},
          {"tid", s.tid},         {"signal", s.signal},
          {"si_code", s.si_code}, {"address", Hex(s.address)},
          {"t_ms", s.t_ms},       {"frames", FramesJson(s.frames)}};
}

json OtherCrashesJson(const TrialResult& t) {
  json out = json::array();
  for (const StackResult& s : t.other_crashes) out.push_back(StackJson(s));
  return out;
}

json WorkerJson(const WorkerResult& w) {
  json progress = json::array(), events = json::array();
  for (auto [t, n] : w.progress) progress.push_back({t, n});
  for (const EventResult& e : w.events)
    events.push_back(
        {{"t_ms", e.t_ms},
         {"channel", e.channel},
         {"kind", e.kind},
         {"bytes_queued",
          e.bytes_queued < 0 ? json(nullptr) : json(e.bytes_queued)},
         {"detail", e.detail}});
  return {{"name", w.name},
          {"role", w.role},
          {"outcome", std::string(OutcomeName(w.outcome))},
          {"pid", w.pid},
          {"tid", w.tid},
          {"signal", Opt(w.signal)},
          {"exit_code", Opt(w.exit_code)},
          {"detail", w.detail},
          {"messages", w.messages},
          {"expected_messages", w.expected_messages},
          {"verified", Opt(w.verified)},
          {"progress", progress},
          {"events", events}};
}

json CheckJson(const CheckResult& c) {
  return {{"check", c.check},
          {"passed", c.passed},
          {"actual", c.actual},
          {"required_rate", c.required_rate}};
}

json IntervalJson(const RateInterval& r) {
  return {{"low", r.low}, {"high", r.high}};
}

json Rate(int k, int n) { return n > 0 ? json(double(k) / n) : json(nullptr); }

json SummaryJson(const PlacementSummary& s) {
  json outcomes = json::array();
  for (const WorkerOutcomes& w : s.outcomes) {
    json counts = json::object();
    for (auto [o, n] : w.counts) counts[std::string(OutcomeName(o))] = n;
    outcomes.push_back({{"worker", w.worker}, {"counts", counts}});
  }
  return {{"trials", s.trials},
          {"passed_trials", s.passed_trials},
          {"pass_rate", Rate(s.passed_trials, s.trials)},
          {"wilson95", IntervalJson(s.pass_interval)},
          {"failing_seeds", s.failing_seeds},
          {"outcomes", outcomes}};
}

}  // namespace

json ToJson(const TrialResult& t) {
  json procs = json::array(), workers = json::array();
  for (const ProcessResult& p : t.processes)
    procs.push_back({{"pid", p.pid},
                     {"workers", p.workers},
                     {"status", p.status},
                     {"signal", Opt(p.signal)},
                     {"exit_code", Opt(p.exit_code)},
                     {"died_ms", Opt(p.died_ms)},
                     {"detected_ms", Opt(p.detected_ms)}});
  for (const WorkerResult& w : t.workers) workers.push_back(WorkerJson(w));
  json hang = nullptr;
  if (t.hang) {
    json stacks = json::array();
    for (const StackResult& s : t.hung_stacks) stacks.push_back(StackJson(s));
    hang = {{"detected_ms", t.hang_detected_ms},
            {"cycle", t.cycle},
            {"stacks", stacks}};
  }
  json faults = json::array();
  for (const FaultResult& f : t.faults) {
    json j = {{"target", f.target},
              {"kind", f.kind},
              {"variant", f.variant},
              {"trigger", f.trigger},
              {"trigger_drawn", Opt(f.trigger_drawn)},
              {"fired", f.fired},
              {"fired_ms", Opt(f.fired_ms)}};
    j["delivery"] = f.delivery;
    if (f.sent)
      j["sent"] = {{"signal", f.sent->signal},
                   {"pid", f.sent->pid},
                   {"sender_pid", f.sent->sender_pid},
                   {"si_code", f.sent->si_code},
                   {"at_ms", f.sent->at_ms},
                   {"resumed_ms", Opt(f.sent->resumed_ms)},
                   {"error", f.sent->error.empty() ? json(nullptr)
                                                   : json(f.sent->error)}};
    if (!f.at.empty())
      j["point"] = {{"name", f.at},
                    {"armed", f.armed},
                    {"reached", f.reached},
                    {"fired", f.fired_count}};
    if (!f.until.empty())
      j["point"]["park"] = {{"until", f.until},
                            {"until_reached", f.until_reached},
                            {"woken_by_point", f.woken_by_point},
                            {"woken_by_timeout", f.woken_by_timeout},
                            {"woken_by_disarm", f.woken_by_disarm}};
    faults.push_back(std::move(j));
  }
  json checks = json::array();
  for (const CheckResult& c : t.checks) checks.push_back(CheckJson(c));
  json out = {{"seed", t.seed},
              {"repetition", t.repetition},
              {"run_index", t.run_index},
              {"passed", t.passed},
              {"checks", checks},
              {"blast_radius", t.blast_radius},
              {"contained", t.blast_radius == 0},
              {"duration_ms", t.duration_ms},
              {"deadline_hit", t.deadline_hit},
              {"fault_fired", t.fault_fired},
              {"fault_fired_ms", Opt(t.fault_fired_ms)},
              {"trigger", t.trigger},
              {"trigger_drawn", Opt(t.trigger_drawn)},
              {"detection_latency_ms", Opt(t.detection_latency_ms)},
              {"faults", faults},
              {"processes", procs},
              {"workers", workers},
              {"crash", t.crash ? StackJson(*t.crash) : json(nullptr)},
              {"other_crashes", OtherCrashesJson(t)},
              {"hang", hang},
              {"stderr", t.stderr_text}};
  if (t.program) out["program"] = program::ProgramJson(*t.program);
  return out;
}

bool RunResult::passed() const {
  for (const ScenarioResult& s : scenarios)
    if (!s.passed) return false;
  return true;
}

json ToJson(const std::vector<CheckResult>& checks) {
  json out = json::array();
  for (const CheckResult& c : checks) out.push_back(CheckJson(c));
  return out;
}

json FaultsJson(const ScenarioResult& s) {
  json faults = json::array();
  for (const ScenarioResult::FaultEntry& f : s.faults)
    faults.push_back({{"target", f.target},
                      {"kind", f.kind},
                      {"variant", f.variant},
                      {"trigger", f.trigger},
                      {"targets", f.targets}});
  return faults;
}

// The first entry (or "none"), as results said before there could be
// several; FaultsJson() holds them all.
json FaultJson(const ScenarioResult& s) {
  if (s.faults.empty())
    return {{"target", ""},
            {"kind", "none"},
            {"variant", "default"},
            {"trigger", "never"}};
  const ScenarioResult::FaultEntry& f = s.faults[0];
  // One worker: its name, as before; a group: the group as written.
  return {{"target", f.targets.size() == 1 ? f.targets[0] : f.target},
          {"kind", f.kind},
          {"variant", f.variant},
          {"trigger", f.trigger}};
}

json PlacementVerdictJson(const PlacementResult& p) {
  json checks = json::array();
  for (const PlacementCheck& c : p.expectations)
    checks.push_back({{"check", c.check},
                      {"passed", c.passed},
                      {"actual", c.actual},
                      {"required_rate", c.required_rate},
                      {"trials", c.trials},
                      {"held", c.held},
                      {"rate", Rate(c.held, c.trials)},
                      {"wilson95", IntervalJson(c.interval)}});
  return {{"passed", p.passed},
          {"no_expectations", p.no_expectations},
          {"error", Opt(p.error)},
          {"expectations", checks},
          {"summary", SummaryJson(p.summary)}};
}

json PlacementJson(const PlacementResult& p, json trials) {
  json out = PlacementVerdictJson(p);
  out["placement"] = p.placement;
  out["groups"] = p.groups;
  out["trials"] = std::move(trials);
  return out;
}

json ToJson(const ScenarioResult& s) {
  json placements = json::array();
  for (const PlacementResult& p : s.placements) {
    json trials = json::array();
    for (const TrialResult& t : p.trials) trials.push_back(ToJson(t));
    placements.push_back(PlacementJson(p, std::move(trials)));
  }
  return {{"name", s.name},
          {"file", s.file},
          {"description", s.description},
          {"passed", s.passed},
          {"fault", FaultJson(s)},
          {"faults", FaultsJson(s)},
          {"placements", placements}};
}

json ShardJson(const RunResult& r) {
  if (!r.shard) return nullptr;
  return {{"index", r.shard->index}, {"total", r.shard->total}};
}

json ToJson(const RunResult& r) {
  json scenarios = json::array();
  for (const ScenarioResult& s : r.scenarios) scenarios.push_back(ToJson(s));
  return {{"schema", "faultlab.result/1"},
          {"faultlab_version", kFaultlabVersion},
          {"started", r.started},
          {"command", r.command},
          {"seed_override", Opt(r.seed_override)},
          {"shard", ShardJson(r)},
          {"trials_planned", r.trials_planned},
          {"complete", r.complete},
          {"passed", r.passed()},
          {"scenarios", scenarios}};
}

}  // namespace faultlab
