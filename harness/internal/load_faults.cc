// WorkerScenarioLoader (worker_scenario_loader.h): `fault:` and `faults:`
// with their triggers, fault points (`at:`), parks and signals.
#include <signal.h>

#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "harness/internal/worker_scenario_loader.h"
#include "harness/internal/yaml_reader.h"
#include "harness/trial.h"

namespace faultlab::internal {
namespace {

constexpr Named<FaultKind> kFaultKinds[] = {
    {"none", FaultKind::kNone},
    {"segfault", FaultKind::kSegfault},
    {"abort", FaultKind::kAbort},
    {"exit", FaultKind::kExit},
    {"heap_overwrite", FaultKind::kHeapOverwrite},
    {"deadlock", FaultKind::kDeadlock},
    {"hang", FaultKind::kHang},
    {"error", FaultKind::kError},
    {"delay", FaultKind::kDelay},
    {"park", FaultKind::kPark},
    {"signal", FaultKind::kSignal}};

// The variants each fault kind accepts; the first is its default.
std::vector<FaultVariant> VariantsOf(FaultKind k) {
  using V = FaultVariant;
  switch (k) {
    case FaultKind::kSegfault:
      return {V::kNullWrite, V::kWildPointer, V::kStackOverflow};
    case FaultKind::kHeapOverwrite:
      return {V::kOverflow,   V::kSibling,      V::kShm,
              V::kDoubleFree, V::kUseAfterFree, V::kShared};
    case FaultKind::kDeadlock:
      return {V::kLockOrder, V::kHeldForever, V::kPipeCycle, V::kSelf};
    case FaultKind::kHang:
      return {V::kBusy, V::kSleep};
    default:
      return {V::kDefault};
  }
}

// A fault point's name (`at:`), and where it is named: the host check
// reports a point the host lacks there.
std::string PointName(const YAML::Node& at, int& line, int& col) {
  std::string name = String(at);
  if (name.empty() || name.size() > 47 ||
      name.find_first_of(" \t\n") != std::string::npos)
    Fail(at, "'at' names a fault point: 1 to 47 characters, no spaces");
  line = at.Mark().line + 1;
  col = at.Mark().column + 1;
  return name;
}

}  // namespace

// `fault:` (one) or `faults:` (a list); each entry's target may name a
// group, which gives each member the entry's fault.
void WorkerScenarioLoader::LoadFaults(const YAML::Node& root, Scenario& s) {
  YAML::Node one = root["fault"], many = root["faults"];
  if (one && many)
    Fail(many, "give 'fault' (one) or 'faults' (a list), not both");
  if (one) LoadFault(one, 0, s);
  if (!many) return;
  if (!many.IsSequence() || many.size() == 0)
    Fail(many, "expected 'faults' as a non-empty list of faults");
  int entry = 0;
  for (const auto& f : many) LoadFault(f, entry++, s);
}

void WorkerScenarioLoader::LoadFault(const YAML::Node& n, int entry,
                                     Scenario& s) {
  Map(n, "the fault",
      {"target", "kind", "variant", "trigger", "partner", "sibling", "bytes",
       "pattern", "exit_code", "in_lock", "ignore_sigterm", "at", "delay_ms",
       "until", "timeout_ms", "signal", "resume_after_ms"});
  Fault f;
  f.entry = entry;
  f.kind = Enum(Required(n, "kind", "the fault"), kFaultKinds, "fault kind");
  if (f.kind == FaultKind::kNone) return;
  if (auto at = n["at"]) {
    f.at = PointName(at, f.at_line, f.at_col);
    f.trigger = TriggerKind::kAfterHits;  // the first hit, unless told
    f.trigger_value = 1;
  } else if (f.kind == FaultKind::kError || f.kind == FaultKind::kDelay ||
             f.kind == FaultKind::kPark) {
    Fail(n["kind"], absl::StrCat("fault '", FaultKindName(f.kind),
                                 "' happens at a fault point: add 'at: "
                                 "<point name>'"));
  }
  if (f.kind == FaultKind::kDelay)
    f.delay_ms =
        Int(Required(n, "delay_ms", "a delay fault"), 1, 600000, "delay_ms");
  else if (n["delay_ms"])
    Fail(n["delay_ms"], "'delay_ms' is for faults of kind delay");
  if (f.kind == FaultKind::kPark) {
    LoadUntil(Required(n, "until", "a park fault"), s, f);
    f.park_timeout_ms =
        Int(Required(n, "timeout_ms", "a park fault"), 1, 600000, "timeout_ms");
  } else {
    for (const char* key : {"until", "timeout_ms"})
      if (n[key])
        Fail(n[key], absl::StrCat("'", key, "' is for faults of kind park"));
  }
  if (f.kind == FaultKind::kSignal) LoadSignal(n, f);
  for (const char* key : {"signal", "resume_after_ms"})
    if (n[key] && f.kind != FaultKind::kSignal)
      Fail(n[key], absl::StrCat("'", key, "' is for faults of kind signal"));
  const YAML::Node target = Required(n, "target", "the fault");
  std::vector<int> targets = Resolve(target, s);
  f.target_text = target.Scalar();
  std::vector<FaultVariant> variants = VariantsOf(f.kind);
  f.variant = variants[0];
  if (auto v = n["variant"]; v && variants[0] == FaultVariant::kDefault)
    Fail(v, absl::StrCat("fault '", FaultKindName(f.kind),
                         "' has no variants; drop 'variant'"));
  if (auto v = n["variant"]) {
    std::string name = String(v);
    std::vector<std::string> names;
    bool found = false;
    for (FaultVariant x : variants) {
      names.push_back(FaultVariantName(x));
      if (name == FaultVariantName(x)) f.variant = x, found = true;
    }
    if (!found)
      Fail(v, absl::StrCat("fault '", FaultKindName(f.kind),
                           "' has no variant '", name,
                           "'; expected one of: ", absl::StrJoin(names, ", ")));
  }
  RefuseUnusedFaultKeys(n, f);
  if (auto t = n["trigger"])
    f.at.empty() ? LoadTrigger(t, s, f) : LoadPointTrigger(t, f);
  CheckProgramFault(n, s, targets, f);
  if (auto v = n["partner"]) f.partner = ResolveOne(v, s, "partner");
  if (auto v = n["sibling"]) f.sibling = ResolveOne(v, s, "sibling");
  if (auto v = n["bytes"]) f.bytes = Int(v, 1, 1 << 20, "bytes");
  if (auto v = n["pattern"]) f.pattern = Int(v, 0, 255, "pattern");
  if (auto v = n["exit_code"]) f.exit_code = Int(v, 0, 255, "exit_code");
  if (auto v = n["ignore_sigterm"])
    f.ignore_sigterm = Bool(v, "ignore_sigterm");
  if (auto v = n["in_lock"]) f.in_lock = Bool(v, "in_lock");
  if (f.kind == FaultKind::kDeadlock &&
      (f.variant == FaultVariant::kLockOrder ||
       f.variant == FaultVariant::kPipeCycle) &&
      f.partner < 0)
    Fail(n, absl::StrCat("deadlock '", FaultVariantName(f.variant),
                         "' needs a 'partner'"));
  if (f.kind == FaultKind::kHeapOverwrite &&
      f.variant == FaultVariant::kSibling && f.sibling < 0)
    Fail(n, "heap_overwrite 'sibling' needs a 'sibling'");
  for (int t : targets) {
    Fault x = f;
    x.target = t;
    CheckTargeted(n, s, x);
    if (x.at.empty()) CheckTriggerCanFire(n, s, x);
    s.faults.push_back(x);
  }
}

// A park's `until: {worker: W, at: POINT, hits: N}`: the point of another
// worker whose Nth hit in the trial ends the park.
void WorkerScenarioLoader::LoadUntil(const YAML::Node& u, const Scenario& s,
                                     Fault& f) {
  Map(u, "a park's 'until'", {"worker", "at", "hits"});
  f.until_worker =
      ResolveOne(Required(u, "worker", "a park's 'until'"), s, "worker");
  const YAML::Node at = Required(u, "at", "a park's 'until'");
  f.until_at = PointName(at, f.until_at_line, f.until_at_col);
  if (auto v = u["hits"]) f.until_hits = Int(v, 1, 1000000000, "hits");
}

// A signal the supervisor sends to the target's process: sent from
// outside, so no fault point and none of the in-worker test aids.
void WorkerScenarioLoader::LoadSignal(const YAML::Node& n, Fault& f) {
  f.signo = yaml::SignalNumber(Required(n, "signal", "a signal fault"));
  for (const char* key : {"at", "in_lock", "ignore_sigterm"})
    if (n[key])
      Fail(n[key], absl::StrCat("'", key,
                                "' has no meaning for a signal fault: the "
                                "supervisor sends it from outside"));
  if (auto v = n["resume_after_ms"]) {
    if (f.signo != SIGSTOP) Fail(v, "resume_after_ms applies to SIGSTOP only");
    f.resume_after_ms = Int(v, 1, 600000, "resume_after_ms");
  }
}

// A program worker runs no faultlab code: the one fault that reaches it
// is kind signal, sent after_ms from the start (it counts no messages).
void WorkerScenarioLoader::CheckProgramFault(const YAML::Node& n,
                                             const Scenario& s,
                                             const std::vector<int>& targets,
                                             const Fault& f) {
  for (int t : targets) {
    const Worker& w = s.workers[t];
    if (!w.IsProgram()) continue;
    if (f.kind != FaultKind::kSignal)
      Fail(n["kind"], absl::StrCat(w.name,
                                   " is a real program: the fault that "
                                   "reaches it is kind signal"));
    if (n["trigger"] && f.trigger != TriggerKind::kAfterMs)
      Fail(n["trigger"],
           "a program counts no messages for faultlab: a signal fault on "
           "it triggers after_ms");
  }
}

// The rules that depend on which worker takes the fault.
void WorkerScenarioLoader::CheckTargeted(const YAML::Node& n, const Scenario& s,
                                         const Fault& f) {
  const std::string& name = s.workers[f.target].name;
  // Faults at fault points add up; one other fault per worker at most.
  for (const Fault& other : s.faults)
    if (other.target == f.target && other.at.empty() && f.at.empty())
      Fail(n["target"],
           absl::StrCat(name, " already takes fault ", other.entry + 1,
                        "; a worker takes at most one fault outside fault "
                        "points (faults with 'at:' may be added)"));
  if (s.faults.size() >= size_t(kMaxFaults))
    Fail(n, absl::StrCat("more than ", kMaxFaults,
                         " faults (counting each member of a group)"));
  if (f.kind == FaultKind::kPark && f.until_worker == f.target)
    Fail(n["until"]["worker"], absl::StrCat("a park waits for another worker; ",
                                            name, " cannot wake itself"));
  if (f.partner == f.target)
    Fail(n["partner"], absl::StrCat("the partner must differ from the "
                                    "target (",
                                    name, ")"));
  if (f.sibling == f.target)
    Fail(n["sibling"], absl::StrCat("the sibling must differ from the "
                                    "target (",
                                    name, ")"));
  if (f.in_lock) {
    bool has_shm = false;
    for (const Channel& c : s.channels)
      has_shm |= c.kind == ChannelKind::kShm &&
                 (c.from == f.target || c.to == f.target);
    if (!has_shm)
      Fail(n["in_lock"],
           "in_lock needs a target with at least one shm channel");
  }
  if (f.kind == FaultKind::kDeadlock && f.variant == FaultVariant::kPipeCycle &&
      f.partner >= 0) {
    int ways = 0;
    for (const Channel& c : s.channels)
      ways |= (c.from == f.target && c.to == f.partner)   ? 1
              : (c.from == f.partner && c.to == f.target) ? 2
                                                          : 0;
    if (ways != 3)
      Fail(n["partner"],
           "deadlock 'pipe_cycle' needs channels both ways between the "
           "target and its partner");
  }
}

// Each fault key is used by some kinds (and variants) only; elsewhere it
// is refused rather than silently ignored.
void WorkerScenarioLoader::RefuseUnusedFaultKeys(const YAML::Node& n,
                                                 const Fault& f) {
  using V = FaultVariant;
  const bool heap = f.kind == FaultKind::kHeapOverwrite;
  const bool pair = f.kind == FaultKind::kDeadlock &&
                    (f.variant == V::kLockOrder || f.variant == V::kPipeCycle);
  struct Use {
    const char* key;
    bool used;
    const char* where;
  };
  const Use uses[] = {
      {"partner", pair, "deadlock lock_order and pipe_cycle"},
      {"sibling", heap && f.variant == V::kSibling, "heap_overwrite sibling"},
      {"bytes", heap && f.variant != V::kShared,
       "heap_overwrite (all variants but shared)"},
      {"pattern", heap, "heap_overwrite"},
      {"exit_code", f.kind == FaultKind::kExit, "exit"},
  };
  for (const Use& u : uses)
    if (!u.used && n[u.key])
      Fail(n[u.key],
           absl::StrCat("'", u.key, "' has no meaning for fault '",
                        FaultKindName(f.kind), "/", FaultVariantName(f.variant),
                        "'; it is used by ", u.where));
}

// What the plan already shows can never fire is refused here; what only
// the run can show is the trial's "not exercised".
void WorkerScenarioLoader::CheckTriggerCanFire(const YAML::Node& n,
                                               const Scenario& s,
                                               const Fault& f) {
  if (f.trigger != TriggerKind::kAfterMessages) return;
  const TrialPlan plan = MakePlan(s, ThreadPlacement(s.workers.size()), s.seed);
  const uint32_t planned = plan.expected_messages[f.target];
  const Worker& w = s.workers[f.target];
  const YAML::Node at = n["trigger"] ? n["trigger"] : n;
  if (planned == 0 && (f.random_trigger || n["trigger"]))
    Fail(at, absl::StrCat(w.name, " (", RoleName(w.role),
                          ") handles no messages in this scenario, so a "
                          "message trigger can never fire; use after_ms"));
  if (!f.random_trigger && f.trigger_value > planned)
    Fail(at["after_messages"] ? at["after_messages"] : at,
         absl::StrCat("after_messages: ", f.trigger_value, " is beyond ",
                      w.name, "'s planned ", planned,
                      " messages, so the fault could never fire"));
}

// A fault point's trigger counts the target's hits of the point.
void WorkerScenarioLoader::LoadPointTrigger(const YAML::Node& t, Fault& f) {
  Map(t, "a fault point's trigger", {"after_hits", "every", "probability"});
  if (t.size() != 1)
    Fail(t,
         "a fault point's trigger has exactly one of after_hits, every, "
         "probability");
  if (auto v = t["after_hits"]) {
    f.trigger = TriggerKind::kAfterHits;
    f.trigger_value = Int(v, 1, 1000000000, "after_hits");
  } else if (auto v = t["every"]) {
    f.trigger = TriggerKind::kEveryHit;
    f.trigger_value = Int(v, 1, 1000000000, "every");
  } else {
    const YAML::Node pr = t["probability"];
    char* end = nullptr;
    // A YAML number, as the schema reads it: not quoted, and decimal
    // (strtod alone would also take "0x.8", "inf" and "nan").
    const std::string text =
        pr.IsScalar() && pr.Tag() != "!" ? pr.Scalar() : "";
    double p = text.empty() ? -1 : std::strtod(text.c_str(), &end);
    if (text.empty() || *end || !(p > 0 && p <= 1) ||
        text.find_first_not_of("0123456789.eE+-") != std::string::npos)
      Fail(pr, "expected probability as a number above 0 and at most 1");
    f.trigger = TriggerKind::kProbability;
    f.probability_ppm = uint32_t(std::lround(p * 1e6));
    if (f.probability_ppm == 0) f.probability_ppm = 1;
  }
}

void WorkerScenarioLoader::LoadTrigger(const YAML::Node& t, const Scenario& s,
                                       Fault& f) {
  Map(t, "the trigger", {"after_messages", "after_ms", "random"});
  if (t.size() != 1)
    Fail(t, "a trigger has exactly one of after_messages, after_ms, random");
  if (auto v = t["after_messages"]) {
    f.trigger = TriggerKind::kAfterMessages;
    f.trigger_value = Int(v, 0, 1000000, "after_messages");
    if (f.trigger_value == 0)
      Fail(v,
           "after_messages counts messages handled before the fault fires "
           "and must be at least 1; to fire at the start, use after_ms: 0");
  } else if (auto v = t["after_ms"]) {
    f.trigger = TriggerKind::kAfterMs;
    f.trigger_value = Int(v, 0, 600000, "after_ms");
    if (f.trigger_value >= s.deadline_ms)
      Fail(v, absl::StrCat("after_ms must be below the deadline (",
                           s.deadline_ms, " ms)"));
  } else {
    f.random_trigger = Bool(t["random"], "random");
    if (!f.random_trigger)
      Fail(t["random"],
           "'random: false' is no trigger; give after_messages: N, "
           "after_ms: T or random: true");
    f.trigger = TriggerKind::kAfterMessages;
  }
}

}  // namespace faultlab::internal
