// WorkerScenarioLoader (worker_scenario_loader.h): `channels:`, and the
// checks that need the workers and channels together.
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "harness/internal/worker_scenario_loader.h"
#include "harness/internal/yaml_reader.h"
#include "harness/stream_graph.h"
#include "workers/message.h"
#include "workers/shm_ring.h"

namespace faultlab::internal {
namespace {

// The shortest shm heartbeat limit (see LoadChannels).
constexpr int kMinHeartbeatMs = 100;

constexpr Named<ChannelKind> kChannelKinds[] = {
    {"pipe", ChannelKind::kPipe},
    {"socket", ChannelKind::kSocket},
    {"tcp", ChannelKind::kTcp},
    {"shm", ChannelKind::kShm}};

}  // namespace

void WorkerScenarioLoader::LoadChannels(const YAML::Node& n, Scenario& s) {
  if (!n.IsSequence()) Fail(n, "expected 'channels' as a list");
  for (const auto& c : n) {
    Map(c, "a channel",
        {"kind", "from", "to", "buffer", "name", "heartbeat_ms"});
    Channel proto;
    proto.kind = c["kind"] ? Enum(c["kind"], kChannelKinds, "channel kind")
                           : ChannelKind::kPipe;
    if (auto b = c["buffer"]) proto.buffer = Int(b, 4096, 1048576, "buffer");
    // A name given to a line that makes several channels is numbered:
    // "data" -> data[0], data[1], ...
    std::string given;
    if (auto nm = c["name"]) given = Name(nm, "a channel name", 40);
    if (auto h = c["heartbeat_ms"]) {
      if (proto.kind != ChannelKind::kShm)
        Fail(h, "heartbeat_ms applies to shm channels only");
      proto.heartbeat_ms = Int(h, 0, 600000, "heartbeat_ms");
      // A live worker beats at least every 20 ms (each wait slice); a
      // shorter limit would call a healthy, pacing peer dead.
      if (proto.heartbeat_ms > 0 && proto.heartbeat_ms < kMinHeartbeatMs)
        Fail(h, absl::StrCat("heartbeat_ms must be 0 (no heartbeat) or at "
                             "least ",
                             kMinHeartbeatMs,
                             ": a live worker beats every 20 ms, so less "
                             "would call a healthy peer dead"));
    }
    std::vector<int> from = Resolve(Required(c, "from", "a channel"), s);
    std::vector<int> to = Resolve(Required(c, "to", "a channel"), s);
    std::vector<std::pair<int, int>> pairs;
    if (from.size() == 1 || to.size() == 1) {
      for (int f : from)
        for (int t : to) pairs.push_back({f, t});
    } else if (from.size() == to.size()) {
      for (size_t i = 0; i < from.size(); ++i)
        pairs.push_back({from[i], to[i]});
    } else {
      Fail(c,
           absl::StrCat("cannot pair ", from.size(), " writers with ",
                        to.size(), " readers; use 1-to-n, n-to-1 or n-to-n"));
    }
    for (const auto& pair : pairs) {
      const auto [f, t] = pair;
      if (f == t) Fail(c, "a channel needs two different workers");
      // A relay forwards one sequenced stream; two merged into it would
      // interleave and no reader could check their order.
      if (s.workers[t].role == Role::kRelay)
        for (const Channel& other : s.channels)
          if (other.to == t)
            Fail(c,
                 absl::StrCat(
                     s.workers[t].name, " (relay) already reads ", other.name,
                     "; a relay forwards one stream: give each stream its "
                     "own relay, or use a locker (input k to output k) "
                     "or a sink"));
      if (proto.kind == ChannelKind::kShm) CheckRingFits(c, s, f, proto);
      Channel ch = proto;
      ch.from = f;
      ch.to = t;
      ch.name = given.empty()
                    ? absl::StrCat(s.workers[f].name, "->", s.workers[t].name)
                : pairs.size() == 1
                    ? given
                    : absl::StrCat(given, "[", &pair - pairs.data(), "]");
      for (const Channel& other : s.channels)
        if (other.name == ch.name)
          Fail(c["name"] ? c["name"] : c,
               absl::StrCat("a channel named '", ch.name,
                            "' exists already; give one of them a name:"));
      if (s.channels.size() >= size_t(kMaxChannels))
        Fail(c, absl::StrCat("at most ", kMaxChannels, " channels in all"));
      if (++ends_[f] > kMaxChannelsPerWorker ||
          ++ends_[t] > kMaxChannelsPerWorker)
        Fail(c, absl::StrCat("a worker can hold at most ",
                             kMaxChannelsPerWorker, " channel ends"));
      s.channels.push_back(ch);
    }
  }
}

// A shm ring moves whole frames: one must fit, or the writer waits for
// room that can never exist.
void WorkerScenarioLoader::CheckRingFits(const YAML::Node& c, const Scenario& s,
                                         int from, const Channel& ch) {
  uint32_t payload = s.workers[from].payload;
  if (s.workers[from].role != Role::kProducer)
    for (const Worker& w : s.workers)
      if (w.role == Role::kProducer) payload = std::max(payload, w.payload);
  uint64_t ring = ch.buffer ? ch.buffer : kDefaultShmRingBytes;
  if (payload + sizeof(FrameHeader) > ring)
    Fail(c, absl::StrCat("shm buffer of ", ring,
                         " bytes cannot hold one frame of ", payload,
                         " payload bytes (+", sizeof(FrameHeader),
                         " header); raise 'buffer'"));
}

// The workers and channels can all do their part (harness/stream_graph.h).
void WorkerScenarioLoader::CheckTopology(const YAML::Node& root,
                                         const Scenario& s) {
  std::string error = StreamGraph(s).TopologyError();
  if (!error.empty())
    Fail(root["channels"] ? root["channels"] : root["workers"], error);
  // A locker with inputs passes their streams on; its own `messages` are
  // for a locker alone.
  const YAML::Node workers = root["workers"];
  for (size_t i = 0, w = 0; i < workers.size(); ++i) {
    const YAML::Node n = workers[i];
    const size_t first = w;
    w += n["count"] ? size_t(Int(n["count"], 1, 64, "count")) : 1;
    if (s.workers[first].role != Role::kLocker || !n["messages"]) continue;
    bool any_alone = false;
    for (size_t k = first; k < w; ++k) {
      bool fed = false;
      for (const Channel& c : s.channels) fed |= c.to == int(k);
      any_alone |= !fed;
    }
    if (!any_alone)
      Fail(n["messages"],
           "'messages' counts a lone locker's units; every locker of this "
           "group has inputs and passes their streams on");
  }
}

// A program worker's one input and one output are pipes: they become its
// stdin and stdout.
void WorkerScenarioLoader::CheckProgramWorkers(const YAML::Node& root,
                                               const Scenario& s) {
  for (size_t w = 0; w < s.workers.size(); ++w) {
    if (!s.workers[w].IsProgram()) continue;
    int ins = 0, outs = 0;
    for (const Channel& c : s.channels) {
      if (c.from != int(w) && c.to != int(w)) continue;
      (c.from == int(w) ? outs : ins)++;
      if (c.kind != ChannelKind::kPipe)
        Fail(root["channels"],
             absl::StrCat("channel ", c.name, ": a program worker (",
                          s.workers[w].name,
                          ") takes pipes only, as its stdin and stdout"));
    }
    if (ins != 1 || outs != 1)
      Fail(root["channels"] ? root["channels"] : root["workers"],
           absl::StrCat(s.workers[w].name,
                        " is a program: it needs exactly one input pipe "
                        "(its stdin) and one output pipe (its stdout), has ",
                        ins, " and ", outs));
  }
}

}  // namespace faultlab::internal
