// Wait-for analysis over the live scoreboard. An edge w -> v means worker w
// is blocked on something only v can release: a lock v owns, a channel read
// v must write, a channel write v must read. A cycle of such edges, every
// member blocked for a little while, is a deadlock: it cannot resolve
// itself, so it is reported at once. A target whose hang fault fired and
// whose heartbeat has stopped is hung without any cycle.
#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "harness/trial_runner.h"

namespace faultlab {
namespace {

constexpr uint64_t kSettledNs = 10'000'000;  // a block older than this counts
constexpr uint64_t kSilentNs = 200'000'000;  // no heartbeat this long: hung

struct Edge {
  int to = -1;
  std::string what;  // "lock B", "pipe relay[0]->sink[0]"
};

Edge WaitsFor(const Scenario& s, const Scoreboard& sb, int w, uint64_t now) {
  const WorkerSlot& slot = sb.workers[w];
  if (slot.state.load() != WorkerState::kRunning) return {};
  BlockKind kind = slot.blocked.load();
  uint64_t since = slot.blocked_since_ns.load();
  int on = slot.blocked_on.load();
  if (kind == BlockKind::kNone || since == 0 || now - since < kSettledNs ||
      on < 0)
    return {};
  if (kind == BlockKind::kLock) {
    if (on >= int(sb.n_locks)) return {};
    return {sb.locks[on].owner.load(), sb.locks[on].name};
  }
  if (on >= int(s.channels.size())) return {};
  const Channel& c = s.channels[on];
  std::string what =
      absl::StrCat(kind == BlockKind::kRead ? "reading " : "writing ",
                   ChannelKindName(c.kind), " ", c.name);
  return {kind == BlockKind::kRead ? c.from : c.to, what};
}

}  // namespace

bool DetectHang(const Scenario& s, const TrialPlan&, const Scoreboard& sb,
                uint64_t now, HangReport* report) {
  const int n = s.workers.size();
  std::vector<Edge> edges(n);
  for (int w = 0; w < n; ++w) edges[w] = WaitsFor(s, sb, w, now);
  // Each worker has at most one out-edge, so a cycle is found by walking.
  for (int start = 0; start < n; ++start) {
    std::vector<int> path;
    std::vector<bool> seen(n, false);
    int w = start;
    while (w >= 0 && w < n && !seen[w] && edges[w].to >= 0) {
      seen[w] = true;
      path.push_back(w);
      w = edges[w].to;
    }
    if (w < 0 || w >= n || !seen[w]) continue;
    auto it = std::find(path.begin(), path.end(), w);
    report->cycle.clear();
    report->hung.assign(it, path.end());
    for (int v : report->hung)
      report->cycle.push_back(absl::StrCat(s.workers[v].name, " waits for ",
                                           s.workers[edges[v].to].name, " (",
                                           edges[v].what, ")"));
    return true;
  }
  const int t = s.fault.target;
  if (t >= 0 && s.fault.kind == FaultKind::kHang) {
    const WorkerSlot& slot = sb.workers[t];
    uint64_t fired = slot.fault_ns.load(), beat = slot.heartbeat_ns.load();
    if (fired && slot.state.load() == WorkerState::kRunning && now > beat &&
        now - beat >= kSilentNs) {
      report->hung = {t};
      report->cycle = {absl::StrCat(
          s.workers[t].name, " ",
          FaultVariantName(s.fault.variant) == std::string("sleep") ? "sleeps"
                                                                    : "spins",
          " with no heartbeat for ", (now - beat) / 1000000, " ms")};
      return true;
    }
  }
  return false;
}

}  // namespace faultlab
