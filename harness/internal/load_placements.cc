// WorkerScenarioLoader (worker_scenario_loader.h): `placements:` and
// `expect:`, whose keys are the placements' names.
#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "harness/internal/worker_scenario_loader.h"
#include "harness/internal/yaml_reader.h"
#include "harness/scenario_loader.h"

namespace faultlab::internal {
// `placements:` is a list of entries or a mapping of name: layout. A list
// entry is `thread`, `process` or a one-key mapping {name: layout}; a
// layout is `thread`, `process` or a list of groups, each a worker or
// group name or a list of them: one process per group.
void WorkerScenarioLoader::LoadPlacements(const YAML::Node& n, Scenario& s) {
  const char* kShape =
      "expected placements as a list ([thread, process, {split: [[web, "
      "cache], [store]]}]) or a mapping of name: layout";
  if (n.IsSequence() && n.size() > 0) {
    for (const auto& e : n) {
      if (e.IsScalar()) {
        AddPlacement(e, e, YAML::Node(), s);
      } else if (e.IsMap() && e.size() == 1) {
        auto kv = *e.begin();
        AddPlacement(kv.first, kv.first, kv.second, s);
      } else {
        Fail(e,
             "expected a placement: thread, process or {name: [[workers], "
             "...]}");
      }
    }
  } else if (n.IsMap() && n.size() > 0) {
    for (const auto& kv : n) AddPlacement(kv.first, kv.first, kv.second, s);
  } else {
    Fail(n, kShape);
  }
}

// `layout` null: `name` is thread or process itself.
void WorkerScenarioLoader::AddPlacement(const YAML::Node& at,
                                        const YAML::Node& name_node,
                                        const YAML::Node& layout, Scenario& s) {
  std::string name = Name(name_node, "a placement name", 32);
  bool builtin = name == "thread" || name == "process";
  PlacementSpec p;
  p.name = name;
  const size_t n = s.workers.size();
  if (!layout || layout.IsNull()) {
    if (!builtin)
      Fail(at, absl::StrCat("unknown placement '", name,
                            "'; expected thread, process or a grouping "
                            "such as {",
                            name, ": [[web, cache], [store]]}"));
    p = name == "thread" ? ThreadPlacement(n) : ProcessPlacement(n);
  } else if (layout.IsScalar()) {
    std::string kind = layout.Scalar();
    if (kind != "thread" && kind != "process")
      Fail(layout, absl::StrCat("expected placement '", name,
                                "' as thread, process or a list of groups "
                                "of workers, got '",
                                kind, "'"));
    if (builtin && kind != name)
      Fail(layout, absl::StrCat("placement '", name, "' is built in; give ",
                                kind, " layout another name"));
    p = kind == "thread" ? ThreadPlacement(n) : ProcessPlacement(n);
    p.name = name;
  } else {
    if (builtin)
      Fail(name_node, absl::StrCat("'", name,
                                   "' is a built-in placement; name your "
                                   "grouping otherwise"));
    p.groups = Groups(layout, name, s);
  }
  if (s.FindPlacement(name))
    Fail(name_node, absl::StrCat("placement '", name, "' listed twice"));
  s.placements.push_back(std::move(p));
}

// Every worker in exactly one group, none empty.
std::vector<std::vector<int>> WorkerScenarioLoader::Groups(
    const YAML::Node& layout, const std::string& name, const Scenario& s) {
  if (!layout.IsSequence() || layout.size() == 0)
    Fail(layout, absl::StrCat("expected placement '", name,
                              "' as a list of groups, one per process: "
                              "[[web, cache], [store]]"));
  std::vector<int> group_of(s.workers.size(), -1);
  std::vector<std::vector<int>> groups;
  for (const auto& g : layout) {
    const int gi = int(groups.size());
    groups.emplace_back();
    auto add = [&](const YAML::Node& ref) {
      for (int w : Resolve(ref, s)) {
        if (group_of[w] >= 0)
          Fail(ref, absl::StrCat(s.workers[w].name, " is already in group ",
                                 group_of[w] + 1, " of placement '", name,
                                 "'; every worker must be in exactly one "
                                 "group"));
        group_of[w] = gi;
        groups.back().push_back(w);
      }
    };
    if (g.IsSequence()) {
      if (g.size() == 0) Fail(g, "a group needs at least one worker");
      for (const auto& ref : g) add(ref);
    } else {
      add(g);
    }
    std::sort(groups.back().begin(), groups.back().end());
  }
  std::vector<std::string> missing;
  for (size_t w = 0; w < s.workers.size(); ++w)
    if (group_of[w] < 0) missing.push_back(s.workers[w].name);
  if (!missing.empty())
    Fail(layout, absl::StrCat("placement '", name, "' leaves out ",
                              absl::StrJoin(missing, ", "),
                              "; every worker must be in exactly one group"));
  return groups;
}

OutcomeSet WorkerScenarioLoader::Outcomes(const YAML::Node& n) {
  OutcomeSet out;
  std::vector<std::string> names;
  for (Outcome o : kAllOutcomes) names.emplace_back(OutcomeName(o));
  auto one = [&](const YAML::Node& x) {
    std::string s = String(x);
    auto o = ParseOutcome(s);
    if (!o)
      Fail(x,
           yaml::WithHint(absl::StrCat("unknown outcome '", s, "'"), s, names));
    out.push_back(*o);
  };
  if (n.IsSequence()) {
    if (n.size() == 0) Fail(n, "expected at least one outcome");
    for (const auto& x : n) one(x);
  } else {
    one(n);
  }
  return out;
}

BlastCheck WorkerScenarioLoader::Blast(const YAML::Node& n) {
  std::string s = String(n);
  BlastCheck b;
  size_t i = 0;
  while (i < s.size() && (s[i] == '<' || s[i] == '>' || s[i] == '=')) ++i;
  b.op = i == 0 ? "==" : s.substr(0, i);
  std::string num = s.substr(i);
  while (!num.empty() && num[0] == ' ') num.erase(0, 1);
  static const std::set<std::string> ops{"==", ">", ">=", "<", "<="};
  char* end = nullptr;
  long v = num.empty() ? -1 : std::strtol(num.c_str(), &end, 10);
  if (!ops.count(b.op) || num.empty() || *end != '\0' || v < 0 || v > 64)
    Fail(n,
         "expected blast_radius as a count or a comparison: 0, \">0\", "
         "\">=2\"");
  b.value = int(v);
  return b;
}

// A rate: the fraction of trials a check must hold in, (0, 1].
double WorkerScenarioLoader::Rate(const YAML::Node& n) {
  const std::string text = n.IsScalar() && n.Tag() != "!" ? n.Scalar() : "";
  char* end = nullptr;
  errno = 0;
  double v = text.empty() ? 0 : std::strtod(text.c_str(), &end);
  if (text.empty() || errno != 0 || *end != '\0' || !(v > 0 && v <= 1) ||
      text.find_first_not_of("0123456789.eE+-") != std::string::npos)
    Fail(n,
         absl::StrCat("expected rate as a fraction of trials above 0 "
                      "and at most 1 (0.9 is 90%), got ",
                      text.empty() ? "nothing" : absl::StrCat("'", text, "'")));
  return v;
}

// A check's value, plain (`crashed`) or with a rate of its own
// (`{is: crashed, rate: 0.9}`); returns the node holding the value.
YAML::Node WorkerScenarioLoader::Rated(const YAML::Node& n,
                                       const std::string& key, Expectation& x) {
  if (!n.IsMap()) return n;
  Map(n, absl::StrCat("the check '", key, "' (a value with a rate)"),
      {"is", "rate"});
  YAML::Node v = Required(n, "is", absl::StrCat("the check '", key, "'"));
  if (auto r = n["rate"]) x.rates[key] = Rate(r);
  return v;
}

void WorkerScenarioLoader::LoadExpect(const YAML::Node& n, Scenario& s) {
  std::vector<std::string> names;
  for (const PlacementSpec& p : s.placements) names.push_back(p.name);
  if (n.IsMap())
    for (const auto& kv : n)
      if (kv.first.IsScalar() && !s.FindPlacement(kv.first.Scalar()) &&
          (kv.first.Scalar() == "thread" || kv.first.Scalar() == "process"))
        Fail(kv.first,
             absl::StrCat("expectation for placement '", kv.first.Scalar(),
                          "', which 'placements' does not run"));
  Map(n, "'expect' (one entry per placement)", names);
  for (const auto& kv : n) {
    const std::string p = kv.first.Scalar();
    const YAML::Node& e = kv.second;
    Map(e, "an expectation",
        {"target", "others", "workers", "blast_radius", "contained",
         "fault_fired", "rate"});
    Expectation x;
    if (auto v = e["rate"]) x.rate = Rate(v);
    if (auto v = e["fault_fired"]) {
      if (s.faults.empty())
        Fail(v, "'fault_fired' expected, but the scenario has no fault");
      if (v.IsScalar() && v.Scalar() == "any" && v.Tag() != "!")
        x.fault_fired.reset();
      else
        x.fault_fired = Bool(v, "fault_fired (true, false or any)");
    }
    if (auto v = e["target"]) {
      if (s.faults.empty())
        Fail(v, "'target' expected, but no fault has a target");
      x.target = Outcomes(Rated(v, "target", x));
    }
    if (auto v = e["others"]) x.others = Outcomes(Rated(v, "others", x));
    if (auto v = e["workers"]) {
      if (!v.IsMap())
        Fail(v, "expected 'workers' as a mapping of name: outcome");
      for (const auto& w : v) {
        Resolve(w.first, s);
        const std::string name = w.first.Scalar();
        x.workers[name] =
            Outcomes(Rated(w.second, absl::StrCat("workers.", name), x));
      }
    }
    if (auto v = e["blast_radius"])
      x.blast_radius = Blast(Rated(v, "blast_radius", x));
    if (auto v = e["contained"])
      x.contained = Bool(Rated(v, "contained", x), "contained");
    s.expect[p] = x;
  }
}

}  // namespace faultlab::internal
