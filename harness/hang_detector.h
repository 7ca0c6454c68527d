// The wait-for graph over a live scoreboard. Worker w has an edge to v when
// w is blocked on something only v can release: a lock v owns, a channel v
// must write (w reads) or read (w writes). Each worker waits on one thing at
// a time, so each has at most one out-edge and a cycle is found by walking.
// The supervisor samples the scoreboard without stopping anyone, so an edge
// counts only once its wait has lasted `min_blocked_ns` (a wait that is
// still that old is not a torn read of a passing state).
#ifndef FAULTLAB_HARNESS_HANG_DETECTOR_H_
#define FAULTLAB_HARNESS_HANG_DETECTOR_H_

#include <cstdint>
#include <string>
#include <vector>

#include "harness/scenario.h"
#include "workers/scoreboard.h"

namespace faultlab {

// A block older than this is an edge for DetectHang.
inline constexpr uint64_t kSettledNs = 10'000'000;
// A hang-fault target silent this long is hung; a lock whose waiters have
// waited this long while its owner waits for nothing is held forever.
inline constexpr uint64_t kSilentNs = 200'000'000;

struct WaitEdge {
  int to = -1;       // the worker that must act; -1: no edge
  std::string what;  // "lock B", "reading pipe relay[0]->sink[0]"
  BlockKind kind = BlockKind::kNone;  // the wait, as read with the edge
  uint64_t since_ns = 0;
  int channel = -1;  // for a read or write wait
};

// One edge (or none) per worker of `s`, as the scoreboard shows them at
// `now_ns`; only running workers blocked for at least min_blocked_ns.
std::vector<WaitEdge> WaitForGraph(const Scenario& s, const Scoreboard& sb,
                                   uint64_t now_ns, uint64_t min_blocked_ns);

// The hung worker that `w`'s chain of waits ends at, or -1 if it ends at a
// worker that is not in `hung` (or w waits for nothing).
int BlockedBehind(const std::vector<WaitEdge>& graph,
                  const std::vector<int>& hung, int w);

}  // namespace faultlab

#endif  // FAULTLAB_HARNESS_HANG_DETECTOR_H_
