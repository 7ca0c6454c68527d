// The merged document keeps every trial object as its shard wrote it; only
// what is judged over trials (a placement's passed, expectations and
// summary; a scenario's and the run's passed) is computed again, so a merge
// can never disagree with the trials it holds.
#include "harness/merge.h"

#include <algorithm>
#include <limits>
#include <map>
#include <set>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "harness/result.h"
#include "harness/verdict.h"

namespace faultlab {
namespace {

using nlohmann::json;

constexpr int64_t kNoTrial = std::numeric_limits<int64_t>::max();

int64_t RunIndex(const json& trial) {
  const json& v = trial.value("run_index", json());
  return v.is_number_integer() ? v.get<int64_t>() : -1;
}

// What the verdict needs of a trial: seed, checks, each worker's outcome.
TrialResult VerdictView(const json& t) {
  TrialResult r;
  r.seed = t.value("seed", uint64_t{0});
  for (const json& c : t.value("checks", json::array())) {
    CheckResult k;
    k.check = c.value("check", "");
    k.passed = c.value("passed", false);
    k.actual = c.value("actual", "");
    k.required_rate = c.value("required_rate", 1.0);
    r.checks.push_back(std::move(k));
  }
  for (const json& w : t.value("workers", json::array())) {
    WorkerResult wr;
    wr.name = w.value("name", "?");
    if (auto o = ParseOutcome(w.value("outcome", ""))) wr.outcome = *o;
    r.workers.push_back(std::move(wr));
  }
  JudgeTrial(&r);
  return r;
}

struct MergedPlacement {
  json base;  // the first shard's placement object
  std::vector<json> trials;
  int64_t first = kNoTrial;
};

struct MergedScenario {
  json base;
  std::vector<std::string> order;  // placement names, first seen
  std::map<std::string, MergedPlacement> placements;
  int64_t first = kNoTrial;
};

absl::Status Bad(const std::string& file, const std::string& what) {
  return absl::InvalidArgumentError(absl::StrCat(file, ": error: ", what));
}

// Every document is a shard of the same run, each shard given once.
absl::Status CheckShards(const std::vector<json>& docs,
                         const std::vector<std::string>& names, int* total) {
  std::map<int, std::string> seen;
  *total = 0;
  for (size_t i = 0; i < docs.size(); ++i) {
    const json& shard = docs[i].value("shard", json());
    if (!shard.is_object()) {
      if (docs.size() > 1)
        return Bad(names[i],
                   "not a shard (run with --shard K/N or a sharding "
                   "environment); only shards of one run can be merged");
      continue;
    }
    int t = shard.value("total", 0), k = shard.value("index", -1);
    if (*total && t != *total)
      return Bad(names[i], absl::StrCat("is shard ", k + 1, " of ", t,
                                        ", but the others are of ", *total));
    *total = t;
    auto [it, fresh] = seen.emplace(k, names[i]);
    if (!fresh)
      return Bad(names[i], absl::StrCat("is shard ", k + 1, " of ", t,
                                        " again (as is ", it->second, ")"));
  }
  for (int k = 0; k < *total; ++k)
    if (!seen.count(k))
      return absl::InvalidArgumentError(
          absl::StrCat("error: shard ", k + 1, " of ", *total,
                       " is missing; merge every shard's result"));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<json> MergeResults(const std::vector<json>& docs,
                                  const std::vector<std::string>& names) {
  int total = 0;
  if (absl::Status s = CheckShards(docs, names, &total); !s.ok()) return s;
  std::vector<std::string> order;
  std::map<std::string, MergedScenario> scenarios;
  std::set<int64_t> indices;
  bool complete = true;
  std::string started;
  for (size_t i = 0; i < docs.size(); ++i) {
    const json& d = docs[i];
    complete = complete && d.value("complete", false);
    std::string st = d.value("started", "");
    if (started.empty() || (!st.empty() && st < started)) started = st;
    for (const json& s : d.value("scenarios", json::array())) {
      std::string name = s.value("name", "");
      auto [sit, fresh] = scenarios.try_emplace(name);
      MergedScenario& ms = sit->second;
      if (fresh) {
        order.push_back(name);
        ms.base = s;
      }
      for (const json& p : s.value("placements", json::array())) {
        std::string pname = p.value("placement", "");
        auto [pit, pfresh] = ms.placements.try_emplace(pname);
        MergedPlacement& mp = pit->second;
        if (pfresh) {
          ms.order.push_back(pname);
          mp.base = p;
        } else if (mp.base.value("error", json()).is_null() &&
                   !p.value("error", json()).is_null()) {
          mp.base["error"] = p["error"];
        }
        for (const json& t : p.value("trials", json::array())) {
          int64_t at = RunIndex(t);
          if (at < 0)
            return Bad(names[i], absl::StrCat("a trial of ", name, " [", pname,
                                              "] has no run_index"));
          if (!indices.insert(at).second)
            return Bad(names[i],
                       absl::StrCat("trial ", at, " of the run (", name, " [",
                                    pname, "]) is in another input too"));
          mp.trials.push_back(t);
          mp.first = std::min(mp.first, at);
          ms.first = std::min(ms.first, at);
        }
      }
    }
  }
  // Back in the whole run's order.
  std::stable_sort(order.begin(), order.end(), [&](auto& a, auto& b) {
    return scenarios[a].first < scenarios[b].first;
  });
  json out_scenarios = json::array();
  bool all_passed = true;
  for (const std::string& name : order) {
    MergedScenario& ms = scenarios[name];
    std::stable_sort(ms.order.begin(), ms.order.end(), [&](auto& a, auto& b) {
      return ms.placements[a].first < ms.placements[b].first;
    });
    json placements = json::array();
    bool passed = true;
    for (const std::string& pname : ms.order) {
      MergedPlacement& mp = ms.placements[pname];
      std::sort(mp.trials.begin(), mp.trials.end(),
                [](const json& a, const json& b) {
                  return RunIndex(a) < RunIndex(b);
                });
      PlacementResult pr;
      pr.placement = pname;
      for (const json& t : mp.trials) pr.trials.push_back(VerdictView(t));
      JudgePlacement(&pr);
      json verdict = PlacementVerdictJson(pr);
      json p = mp.base;
      for (const char* key : {"passed", "expectations", "summary"})
        p[key] = verdict[key];
      if (!p.value("error", json()).is_null()) p["passed"] = false;
      p["trials"] = mp.trials;
      passed = passed && p["passed"].get<bool>();
      placements.push_back(std::move(p));
    }
    json s = ms.base;
    s["placements"] = std::move(placements);
    s["passed"] = passed;
    all_passed = all_passed && passed;
    out_scenarios.push_back(std::move(s));
  }
  json out = docs[0];
  out["started"] = started;
  out["shard"] = nullptr;
  out["merged_from"] = names;
  // Complete when every shard was, and together they hold the whole run.
  const int64_t planned = docs[0].value("trials_planned", int64_t{-1});
  out["complete"] = complete && planned >= 0 &&
                    int64_t(indices.size()) == planned &&
                    (indices.empty() || *indices.rbegin() == planned - 1);
  out["passed"] = all_passed;
  out["scenarios"] = std::move(out_scenarios);
  return out;
}

}  // namespace faultlab
