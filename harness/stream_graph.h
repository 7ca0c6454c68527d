// How streams flow through a scenario's channels. A producer starts one
// stream per output; a relay passes its one input to every output; a locker
// passes its input k to its output k; anything else sends nothing. The
// loader checks that every stream stays checkable (TopologyError) and the
// trial planner follows each channel back to its producer (Upstream).
#ifndef FAULTLAB_HARNESS_STREAM_GRAPH_H_
#define FAULTLAB_HARNESS_STREAM_GRAPH_H_

#include <string>
#include <vector>

#include "harness/scenario.h"

namespace faultlab {

class StreamGraph {
 public:
  explicit StreamGraph(const Scenario& s);

  // Channels into / out of worker w, in channel order (a worker's k-th
  // input is ins(w)[k]).
  const std::vector<int>& ins(int w) const { return ins_[w]; }
  const std::vector<int>& outs(int w) const { return outs_[w]; }

  // The channel whose stream channel c passes on, or -1 when c starts a
  // stream (a producer's output) or carries none.
  int Upstream(int c) const;

  // Why the workers and channels cannot all do their part, or "" if they
  // can: a relay or sink without input, a producer or relay without
  // output, a locker with more outputs than inputs, or a channel fed only
  // by a loop of pass-throughs that no producer feeds.
  std::string TopologyError() const;

 private:
  const Scenario& s_;
  std::vector<std::vector<int>> ins_, outs_;
};

}  // namespace faultlab

#endif  // FAULTLAB_HARNESS_STREAM_GRAPH_H_
