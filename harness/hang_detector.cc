// Hang detection on the live scoreboard (see hang_detector.h). Three shapes
// are reported, each as soon as it is certain:
//  - a cycle of waits, every member blocked for kSettledNs and asleep in
//    the kernel (none runnable): it cannot resolve itself (the workers,
//    the locks or channels, in order);
//  - a lock whose waiters have waited kSilentNs while its owner, alive,
//    waits for nothing: it is held forever;
//  - a hang-fault target whose heartbeat has stopped for kSilentNs.
#include "harness/hang_detector.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "harness/thread_state.h"
#include "harness/trial_runner.h"

namespace faultlab {
namespace {

std::string LockName(const Scoreboard& sb, int i) {
  return std::string(sb.locks[i].name,
                     strnlen(sb.locks[i].name, sizeof sb.locks[i].name));
}

WaitEdge WaitsFor(const Scenario& s, const Scoreboard& sb, int w, uint64_t now,
                  uint64_t min_blocked_ns) {
  const WorkerSlot& slot = sb.workers[w];
  if (slot.state.load() != WorkerState::kRunning) return {};
  // The three fields as one consistent snapshot, or no edge this tick.
  const uint32_t seq = slot.blocked_seq.load();
  BlockKind kind = slot.blocked.load();
  int on = slot.blocked_on.load();
  uint64_t since = slot.blocked_since_ns.load();
  if ((seq & 1) || slot.blocked_seq.load() != seq) return {};
  if (kind == BlockKind::kNone || since == 0 || on < 0 ||
      (now > since ? now - since : 0) < min_blocked_ns)
    return {};
  if (kind == BlockKind::kLock) {
    if (on >= int(sb.n_locks) || on >= kMaxLocks) return {};
    int owner = sb.locks[on].owner.load();
    if (owner < 0 || owner >= int(s.workers.size())) return {};
    return {owner, LockName(sb, on), kind, since};
  }
  if (on >= int(s.channels.size())) return {};
  const Channel& c = s.channels[on];
  bool read = kind == BlockKind::kRead;
  return {read ? c.from : c.to,
          absl::StrCat(read ? "reading " : "writing ", ChannelKindName(c.kind),
                       " ", c.name),
          kind, since, on};
}

std::string EdgeText(const Scenario& s, int w, const WaitEdge& e) {
  if (e.to == w)
    return absl::StrCat(s.workers[w].name, " waits for itself (", e.what,
                        ", which it already holds)");
  return absl::StrCat(s.workers[w].name, " waits for ", s.workers[e.to].name,
                      " (", e.what, ")");
}

// A cycle through the graph, rotated to start at `first` if it is a member,
// else at its lowest index; empty if there is none.
std::vector<int> FindCycle(const std::vector<WaitEdge>& g, int first) {
  const int n = g.size();
  for (int start = 0; start < n; ++start) {
    std::vector<int> path;
    std::vector<bool> seen(n, false);
    int w = start;
    while (w >= 0 && w < n && !seen[w] && g[w].to >= 0) {
      seen[w] = true;
      path.push_back(w);
      w = g[w].to;
    }
    if (w < 0 || w >= n || !seen[w]) continue;
    std::vector<int> cycle(std::find(path.begin(), path.end(), w), path.end());
    auto head = std::find(cycle.begin(), cycle.end(), first);
    if (head == cycle.end())
      head = std::min_element(cycle.begin(), cycle.end());
    std::rotate(cycle.begin(), head, cycle.end());
    return cycle;
  }
  return {};
}

bool HeldForever(const Scenario& s, const Scoreboard& sb,
                 const std::vector<WaitEdge>& g, uint64_t now,
                 HangReport* report) {
  const int n = s.workers.size();
  for (int w = 0; w < n; ++w) {
    // The edge's own wait: the slot may have moved on since it was read.
    if (g[w].to < 0 || g[w].kind != BlockKind::kLock) continue;
    const int owner = g[w].to;
    const uint64_t since = g[w].since_ns;
    if (owner == w || now <= since || now - since < kSilentNs ||
        sb.workers[owner].blocked.load() != BlockKind::kNone)
      continue;
    report->hung = {owner};
    report->cycle = {EdgeText(s, w, g[w]),
                     absl::StrCat(s.workers[owner].name, " holds ", g[w].what,
                                  " and waits for nothing: it has kept it for ",
                                  "at least ", (now - since) / 1000000, " ms")};
    return true;
  }
  return false;
}

// A hang fault's target that fired and fell silent (the first such one).
bool SilentTarget(const Scenario& s, const Scoreboard& sb, uint64_t now,
                  HangReport* report) {
  for (size_t k = 0; k < s.faults.size(); ++k) {
    const Fault& f = s.faults[k];
    if (f.kind != FaultKind::kHang) continue;
    const WorkerSlot& slot = sb.workers[f.target];
    // The hang's own firing: a worker may have taken another fault (at a
    // point) earlier, and a delay is no hang.
    uint64_t fired = sb.faults[k].fired_ns.load(),
             beat = slot.heartbeat_ns.load();
    if (!fired || slot.state.load() != WorkerState::kRunning || now <= beat ||
        now - beat < kSilentNs)
      continue;
    report->hung = {f.target};
    report->cycle = {
        absl::StrCat(s.workers[f.target].name,
                     f.variant == FaultVariant::kSleep ? " sleeps" : " spins",
                     " with no heartbeat for ", (now - beat) / 1000000, " ms")};
    return true;
  }
  return false;
}

}  // namespace

std::vector<WaitEdge> WaitForGraph(const Scenario& s, const Scoreboard& sb,
                                   uint64_t now_ns, uint64_t min_blocked_ns) {
  std::vector<WaitEdge> g(s.workers.size());
  for (size_t w = 0; w < g.size(); ++w)
    g[w] = WaitsFor(s, sb, w, now_ns, min_blocked_ns);
  // A writer blocked because a channel is full and its reader blocked
  // because the same channel is empty cannot both be true: two snapshots
  // taken a moment apart (a loaded machine) disagree. Neither is an edge.
  for (size_t w = 0; w < g.size(); ++w) {
    const int v = g[w].to;
    if (g[w].channel < 0 || v < 0 || v >= int(g.size())) continue;
    if (g[v].to == int(w) && g[v].channel == g[w].channel &&
        g[v].kind != g[w].kind) {
      g[v] = WaitEdge{};
      g[w] = WaitEdge{};
    }
  }
  return g;
}

int BlockedBehind(const std::vector<WaitEdge>& g, const std::vector<int>& hung,
                  int w) {
  for (size_t steps = 0; w >= 0 && w < int(g.size()) && steps <= g.size();
       ++steps) {
    int next = g[w].to;
    if (next < 0) return -1;
    if (std::find(hung.begin(), hung.end(), next) != hung.end()) return next;
    w = next;
  }
  return -1;
}

bool DetectHang(const Scenario& s, const TrialPlan&, const Scoreboard& sb,
                uint64_t now, HangReport* report) {
  std::vector<WaitEdge> g = WaitForGraph(s, sb, now, kSettledNs);
  std::vector<int> cycle =
      FindCycle(g, s.faults.empty() ? -1 : s.faults[0].target);
  if (!cycle.empty()) {
    // A member the scheduler has woken but not yet run still shows its old
    // wait (its data arrived, its lock came free): on a loaded machine that
    // lasts past kSettledNs. No cycle while any member is runnable.
    for (int v : cycle)
      if (ThreadRunnable(sb.workers[v].pid.load(), sb.workers[v].tid.load()))
        return false;
    report->hung = cycle;
    report->cycle.clear();
    for (int v : cycle) report->cycle.push_back(EdgeText(s, v, g[v]));
    return true;
  }
  return HeldForever(s, sb, g, now, report) || SilentTarget(s, sb, now, report);
}

}  // namespace faultlab
