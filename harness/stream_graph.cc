#include "harness/stream_graph.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "harness/scenario.h"

namespace faultlab {

StreamGraph::StreamGraph(const Scenario& s)
    : s_(s), ins_(s.workers.size()), outs_(s.workers.size()) {
  for (size_t c = 0; c < s.channels.size(); ++c) {
    ins_[s.channels[c].to].push_back(c);
    outs_[s.channels[c].from].push_back(c);
  }
}

int StreamGraph::Upstream(int c) const {
  const int w = s_.channels[c].from;
  const std::vector<int>& in = ins_[w];
  switch (s_.workers[w].role) {
    case Role::kRelay:
      return in.empty() ? -1 : in[0];
    case Role::kLocker: {
      const std::vector<int>& out = outs_[w];
      size_t k = std::find(out.begin(), out.end(), c) - out.begin();
      return k < in.size() ? in[k] : -1;
    }
    default:
      return -1;
  }
}

std::string StreamGraph::TopologyError() const {
  // A component speaks its own protocol; the built-in roles speak
  // faultlab's checked streams. A channel joins two of the same kind.
  for (const Channel& c : s_.channels) {
    const Worker& a = s_.workers[c.from];
    const Worker& b = s_.workers[c.to];
    if ((a.role == Role::kComponent) != (b.role == Role::kComponent))
      return absl::StrCat(
          "channel ", c.name, " joins a component and a ",
          RoleName(a.role == Role::kComponent ? b.role : a.role),
          "; components talk to components, built-in roles "
          "to built-in roles");
  }
  // Without an input or output a worker has nothing to do and would
  // "complete" vacuously.
  for (size_t w = 0; w < s_.workers.size(); ++w) {
    const Role r = s_.workers[w].role;
    const size_t n_in = ins_[w].size(), n_out = outs_[w].size();
    const std::string& name = s_.workers[w].name;
    if ((r == Role::kRelay || r == Role::kSink) && n_in == 0)
      return absl::StrCat(name, " (", RoleName(r),
                          ") has no input channel; add one to it");
    if ((r == Role::kProducer || r == Role::kRelay) && n_out == 0)
      return absl::StrCat(name, " (", RoleName(r),
                          ") has no output channel; add one from it");
    // A sink never writes and a producer never reads: such a channel would
    // carry nothing and check nothing. (An idle worker may hold ends it
    // never uses: a reader that never reads, a writer that stays silent.)
    if (r == Role::kSink && n_out > 0)
      return absl::StrCat(name, " (sink) writes nothing, but ",
                          s_.channels[outs_[w][0]].name,
                          " starts at it; a channel goes from a producer, "
                          "relay or locker");
    if (r == Role::kProducer && n_in > 0)
      return absl::StrCat(name, " (producer) reads nothing, but ",
                          s_.channels[ins_[w][0]].name,
                          " ends at it; a channel goes to a relay, sink or "
                          "locker");
    if (r == Role::kLocker && n_out > n_in)
      return absl::StrCat(name, " (locker) has ", n_out,
                          " output channels but ", n_in,
                          " inputs; a locker passes input k to output k, so "
                          "output ",
                          n_in, " would carry nothing");
  }
  // Each stream must start at a producer (or at a worker that sends
  // nothing), not go round a loop of pass-throughs that nothing feeds:
  // nothing would ever arrive, and they would wait on each other for ever
  // with no fault in the scenario.
  for (size_t c = 0; c < s_.channels.size(); ++c) {
    std::vector<bool> seen(s_.channels.size(), false);
    std::string path;
    for (int cur = c; cur >= 0; cur = Upstream(cur)) {
      if (seen[cur])
        return absl::StrCat("channel ", s_.channels[c].name,
                            " is fed only by a loop that no producer feeds (",
                            path,
                            "); nothing would ever arrive: give the loop a "
                            "producer");
      seen[cur] = true;
      absl::StrAppend(&path, path.empty() ? "" : ", ", s_.channels[cur].name);
    }
  }
  return "";
}

}  // namespace faultlab
