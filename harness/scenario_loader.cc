// The checks that fail throw yaml::Error (harness/internal/yaml_reader.h);
// LoadScenarioText() turns it into a Status, so no exception leaves the
// loader.
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "harness/internal/yaml_reader.h"
#include "harness/program/program_loader.h"
#include "harness/scenario_loader.h"
#include "harness/stream_graph.h"
#include "harness/trial.h"
#include "workers/message.h"
#include "workers/shm_ring.h"

namespace faultlab {
namespace {

using yaml::Bool;
using yaml::Enum;
using yaml::Fail;
using yaml::Int;
using yaml::Map;
using yaml::Name;
using yaml::Named;
using yaml::Required;
using yaml::String;

// The shortest shm heartbeat limit (see LoadChannels).
constexpr int kMinHeartbeatMs = 100;

constexpr Named<Role> kRoles[] = {{"producer", Role::kProducer},
                                  {"relay", Role::kRelay},
                                  {"sink", Role::kSink},
                                  {"locker", Role::kLocker},
                                  {"idle", Role::kIdle}};
constexpr Named<ChannelKind> kChannelKinds[] = {
    {"pipe", ChannelKind::kPipe},
    {"socket", ChannelKind::kSocket},
    {"tcp", ChannelKind::kTcp},
    {"shm", ChannelKind::kShm}};
constexpr Named<Policy> kPolicies[] = {{"stop", Policy::kStop},
                                       {"wait", Policy::kWait},
                                       {"continue", Policy::kContinue}};
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

class Loader {
 public:
  explicit Loader(std::string file) : file_(std::move(file)) {}

  Scenario Load(const YAML::Node& root) {
    Scenario s;
    s.file = file_;
    Map(root, "the scenario",
        {"name", "description", "seed", "deadline_ms", "host", "placements",
         "workers", "channels", "fault", "faults", "expect"});
    s.name = Name(Required(root, "name", "the scenario"), "name", 64);
    if (auto n = root["description"]) s.description = String(n);
    if (auto n = root["seed"])
      s.seed = Int(n, 0, std::numeric_limits<int64_t>::max(), "seed");
    if (auto n = root["deadline_ms"])
      s.deadline_ms = Int(n, 1, 600000, "deadline_ms");
    if (auto n = root["host"]) LoadHost(n, s);
    LoadWorkers(Required(root, "workers", "the scenario"), s);
    for (const Worker& w : s.workers)
      if (w.role == Role::kComponent && s.host.empty())
        Fail(root["workers"],
             absl::StrCat(w.name, " runs component '", w.component,
                          "', which needs the host that has it: add "
                          "'host: <your host binary>'"));
    if (auto n = root["placements"])
      LoadPlacements(n, s);
    else
      s.placements = {ThreadPlacement(s.workers.size()),
                      ProcessPlacement(s.workers.size())};
    if (auto n = root["channels"]) LoadChannels(n, s);
    CheckTopology(root, s);
    CheckProgramWorkers(root, s);
    LoadFaults(root, s);
    if (auto n = root["expect"]) LoadExpect(n, s);
    return s;
  }

 private:
  // `placements:` is a list of entries or a mapping of name: layout. A list
  // entry is `thread`, `process` or a one-key mapping {name: layout}; a
  // layout is `thread`, `process` or a list of groups, each a worker or
  // group name or a list of them: one process per group.
  void LoadPlacements(const YAML::Node& n, Scenario& s) {
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
  void AddPlacement(const YAML::Node& at, const YAML::Node& name_node,
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
  std::vector<std::vector<int>> Groups(const YAML::Node& layout,
                                       const std::string& name,
                                       const Scenario& s) {
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

  void LoadWorkers(const YAML::Node& n, Scenario& s) {
    if (!n.IsSequence() || n.size() == 0)
      Fail(n, "expected 'workers' as a non-empty list");
    for (const auto& w : n) {
      Map(w, "a worker",
          {"role", "component", "config", "name", "count", "messages",
           "interval_us", "payload", "policy", "state_records", "command"});
      Worker proto;
      if (w["component"]) {
        if (w["role"])
          Fail(w["role"], "a worker has a 'role' or a 'component', not both");
        LoadComponent(w, proto);
      } else {
        if (w["config"])
          Fail(w["config"], "'config' is for components (component: NAME)");
        proto.role = Enum(Required(w, "role", "a worker (or 'component')"),
                          kRoles, "role");
      }
      RefuseUnusedWorkerKeys(w, proto.role);
      if (auto c = w["command"]) LoadCommand(c, w, proto);
      // "name[63]" must fit a 32-byte slot, and a channel's "a->b" 48.
      proto.group = w["name"] ? Name(w["name"], "a worker name", 18)
                    : proto.role == Role::kComponent ? proto.component
                                                     : RoleName(proto.role);
      if (groups_.count(proto.group))
        Fail(w, absl::StrCat("two worker groups are named '", proto.group,
                             "'; give one a 'name'"));
      int count = w["count"] ? Int(w["count"], 1, 64, "count") : 1;
      if (auto v = w["messages"])
        proto.messages = Int(v, 0, 1000000, "messages");
      // A relay or sink paces its reads only when told to (a slow
      // consumer); a producer, a lone locker and an idle worker pace at 1 ms
      // by default.
      if (proto.role == Role::kRelay || proto.role == Role::kSink)
        proto.interval_us = 0;
      if (auto v = w["interval_us"])
        proto.interval_us = Int(v, 0, 10000000, "interval_us");
      if (auto v = w["payload"]) proto.payload = Int(v, 8, 65536, "payload");
      if (auto v = w["policy"]) proto.policy = Enum(v, kPolicies, "policy");
      if (auto v = w["state_records"])
        proto.state_records = Int(v, 0, 100000, "state_records");
      if (s.workers.size() + count > size_t(kMaxWorkers))
        Fail(w, absl::StrCat("at most ", kMaxWorkers, " workers in all"));
      for (int i = 0; i < count; ++i) {
        Worker x = proto;
        x.name = absl::StrCat(proto.group, "[", i, "]");
        groups_[proto.group].push_back(s.workers.size());
        s.workers.push_back(x);
      }
    }
  }

  // A real program as a relay: `command: [tr, a-z, n-za-m]` reads its
  // input pipe on stdin and writes its output pipe on stdout.
  void LoadCommand(const YAML::Node& c, const YAML::Node& w, Worker& proto) {
    if (proto.role != Role::kRelay)
      Fail(c,
           "'command' makes a relay a real program (stdin from its input "
           "pipe, stdout to its output pipe); it needs role: relay");
    if (w["count"] && Int(w["count"], 1, 64, "count") != 1)
      Fail(w["count"], "a program worker is one process: count must be 1");
    for (const char* key : {"interval_us", "policy", "state_records"})
      if (w[key])
        Fail(w[key], absl::StrCat("'", key,
                                  "' has no meaning for a program worker: it "
                                  "runs its own code"));
    if (!c.IsSequence() || c.size() == 0)
      Fail(c, "expected 'command' as a non-empty list of strings");
    for (const auto& x : c) proto.command.push_back(String(x));
    proto.command_path = FindInPath(proto.command[0]);
    if (proto.command_path.empty())
      Fail(c[0], absl::StrCat("program '", proto.command[0],
                              "' is not an executable in PATH"));
  }

  static std::string FindInPath(const std::string& name) {
    if (name.find('/') != std::string::npos)
      return access(name.c_str(), X_OK) == 0 ? name : "";
    const char* path = getenv("PATH");
    for (absl::string_view dir :
         absl::StrSplit(path ? path : "/usr/local/bin:/usr/bin:/bin", ':')) {
      std::string full = absl::StrCat(dir.empty() ? "." : dir, "/", name);
      if (access(full.c_str(), X_OK) == 0) return full;
    }
    return "";
  }

  // A program worker's one input and one output are pipes: they become its
  // stdin and stdout.
  void CheckProgramWorkers(const YAML::Node& root, const Scenario& s) {
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

  // `component: NAME` and its free-form `config:` (scalars only).
  void LoadComponent(const YAML::Node& w, Worker& proto) {
    const YAML::Node c = w["component"];
    proto.role = Role::kComponent;
    proto.component = Name(c, "a component name", 31);
    proto.component_line = c.Mark().line + 1;
    proto.component_col = c.Mark().column + 1;
    proto.state_records = 0;
    proto.interval_us = 0;
    const YAML::Node cfg = w["config"];
    if (!cfg) return;
    if (!cfg.IsMap()) Fail(cfg, "expected 'config' as a mapping of key: value");
    size_t bytes = 0;
    for (const auto& kv : cfg) {
      std::string key = Name(kv.first, "a config key", 48);
      if (!kv.second.IsScalar())
        Fail(kv.second, absl::StrCat("config '", key,
                                     "' must be a single value (a string "
                                     "or number)"));
      std::string value = kv.second.Scalar();
      if (value.find('\n') != std::string::npos)
        Fail(kv.second, "a config value is one line");
      bytes += key.size() + value.size() + 2;
      if (bytes > sizeof(WorkerConfig::settings) - 1)
        Fail(kv.first,
             absl::StrCat("a component's config holds at most ",
                          sizeof(WorkerConfig::settings) - 1, " bytes"));
      proto.config.emplace_back(key, value);
    }
  }

  // `host:` is looked for as given (from the current directory), then next
  // to the scenario file.
  void LoadHost(const YAML::Node& n, Scenario& s) {
    s.host = String(n);
    s.host_line = n.Mark().line + 1;
    s.host_col = n.Mark().column + 1;
    if (s.host.empty()) Fail(n, "'host' must name the host binary");
    namespace fs = std::filesystem;
    std::vector<fs::path> tries = {fs::path(s.host)};
    if (fs::path(s.host).is_relative())
      tries.push_back(fs::path(file_).parent_path() / s.host);
    for (const fs::path& p : tries) {
      std::error_code ec;
      if (fs::is_regular_file(p, ec) && access(p.c_str(), X_OK) == 0) {
        s.host_path = fs::absolute(p, ec).lexically_normal().string();
        return;
      }
    }
    Fail(n, absl::StrCat("host '", s.host,
                         "' is no executable file here or next to the "
                         "scenario; build it first (faultlab_add_host)"));
  }

  // Keys a role has no use for are refused, not ignored: a sink's stream
  // comes from its producers, an idle worker does nothing but wait.
  void RefuseUnusedWorkerKeys(const YAML::Node& w, Role role) {
    struct Unused {
      Role role;
      const char* key;
      const char* why;
    };
    static constexpr Unused kUnused[] = {
        {Role::kRelay, "messages", "a relay forwards its input's stream"},
        {Role::kRelay, "payload", "a relay forwards its input's stream"},
        {Role::kSink, "messages", "a sink's stream comes from its producers"},
        {Role::kSink, "payload", "a sink's stream comes from its producers"},
        {Role::kLocker, "payload", "a locker passes its inputs' streams on"},
        {Role::kIdle, "messages", "an idle worker handles no messages"},
        {Role::kIdle, "payload", "an idle worker handles no messages"},
        {Role::kIdle, "policy", "an idle worker has no channel to lose"},
        {Role::kComponent, "messages", "a component does its own work"},
        {Role::kComponent, "payload", "a component sends what it sends"},
        {Role::kComponent, "interval_us", "a component paces itself"},
        {Role::kComponent, "policy",
         "a component decides what a lost peer "
         "means"},
        {Role::kComponent, "state_records",
         "a component registers its own state (Context::RegisterState)"},
    };
    for (const Unused& u : kUnused)
      if (u.role == role && w[u.key])
        Fail(w[u.key], absl::StrCat("'", u.key, "' has no meaning for a ",
                                    RoleName(role), ": ", u.why));
  }

  // The workers and channels can all do their part (harness/stream_graph.h).
  void CheckTopology(const YAML::Node& root, const Scenario& s) {
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

  // "sink" → every sink; "sink[1]" → that one.
  std::vector<int> Resolve(const YAML::Node& n, const Scenario& s) {
    std::string ref = String(n);
    if (auto it = groups_.find(ref); it != groups_.end()) return it->second;
    for (size_t i = 0; i < s.workers.size(); ++i)
      if (s.workers[i].name == ref) return {int(i)};
    std::vector<std::string> names;
    for (const auto& [g, _] : groups_) names.push_back(g);
    for (const auto& w : s.workers) names.push_back(w.name);
    std::string msg = absl::StrCat("no worker or group named '", ref, "'");
    std::string near = NearestName(ref, names);
    if (!near.empty()) absl::StrAppend(&msg, "; did you mean '", near, "'?");
    Fail(n, msg);
  }

  int ResolveOne(const YAML::Node& n, const Scenario& s, const char* what) {
    std::vector<int> v = Resolve(n, s);
    if (v.size() != 1)
      Fail(n, absl::StrCat(what, " '", n.Scalar(), "' names ", v.size(),
                           " workers; name exactly one, e.g. '", n.Scalar(),
                           "[0]'"));
    return v[0];
  }

  void LoadChannels(const YAML::Node& n, Scenario& s) {
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
  void CheckRingFits(const YAML::Node& c, const Scenario& s, int from,
                     const Channel& ch) {
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

  // `fault:` (one) or `faults:` (a list); each entry's target may name a
  // group, which gives each member the entry's fault.
  void LoadFaults(const YAML::Node& root, Scenario& s) {
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

  void LoadFault(const YAML::Node& n, int entry, Scenario& s) {
    Map(n, "the fault",
        {"target", "kind", "variant", "trigger", "partner", "sibling", "bytes",
         "pattern", "exit_code", "in_lock", "ignore_sigterm", "at", "delay_ms",
         "until", "timeout_ms", "signal", "resume_after_ms"});
    Fault f;
    f.entry = entry;
    f.kind = Enum(Required(n, "kind", "the fault"), kFaultKinds, "fault kind");
    if (f.kind == FaultKind::kNone) return;
    if (auto at = n["at"]) {
      f.at = String(at);
      if (f.at.empty() || f.at.size() > 47 ||
          f.at.find_first_of(" \t\n") != std::string::npos)
        Fail(at, "'at' names a fault point: 1 to 47 characters, no spaces");
      f.at_line = at.Mark().line + 1;
      f.at_col = at.Mark().column + 1;
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
      f.park_timeout_ms = Int(Required(n, "timeout_ms", "a park fault"), 1,
                              600000, "timeout_ms");
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
        Fail(v, absl::StrCat(
                    "fault '", FaultKindName(f.kind), "' has no variant '",
                    name, "'; expected one of: ", absl::StrJoin(names, ", ")));
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
  void LoadUntil(const YAML::Node& u, const Scenario& s, Fault& f) {
    Map(u, "a park's 'until'", {"worker", "at", "hits"});
    f.until_worker =
        ResolveOne(Required(u, "worker", "a park's 'until'"), s, "worker");
    const YAML::Node at = Required(u, "at", "a park's 'until'");
    f.until_at = String(at);
    if (f.until_at.empty() || f.until_at.size() > 47 ||
        f.until_at.find_first_of(" \t\n") != std::string::npos)
      Fail(at, "'at' names a fault point: 1 to 47 characters, no spaces");
    f.until_at_line = at.Mark().line + 1;
    f.until_at_col = at.Mark().column + 1;
    if (auto v = u["hits"]) f.until_hits = Int(v, 1, 1000000000, "hits");
  }

  // A signal the supervisor sends to the target's process: sent from
  // outside, so no fault point and none of the in-worker test aids.
  void LoadSignal(const YAML::Node& n, Fault& f) {
    f.signo = yaml::SignalNumber(Required(n, "signal", "a signal fault"));
    for (const char* key : {"at", "in_lock", "ignore_sigterm"})
      if (n[key])
        Fail(n[key], absl::StrCat("'", key,
                                  "' has no meaning for a signal fault: the "
                                  "supervisor sends it from outside"));
    if (auto v = n["resume_after_ms"]) {
      if (f.signo != SIGSTOP)
        Fail(v, "resume_after_ms applies to SIGSTOP only");
      f.resume_after_ms = Int(v, 1, 600000, "resume_after_ms");
    }
  }

  // A program worker runs no faultlab code: the one fault that reaches it
  // is kind signal, sent after_ms from the start (it counts no messages).
  void CheckProgramFault(const YAML::Node& n, const Scenario& s,
                         const std::vector<int>& targets, const Fault& f) {
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
  void CheckTargeted(const YAML::Node& n, const Scenario& s, const Fault& f) {
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
      Fail(n["until"]["worker"],
           absl::StrCat("a park waits for another worker; ", name,
                        " cannot wake itself"));
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
    if (f.kind == FaultKind::kDeadlock &&
        f.variant == FaultVariant::kPipeCycle && f.partner >= 0) {
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
  void RefuseUnusedFaultKeys(const YAML::Node& n, const Fault& f) {
    using V = FaultVariant;
    const bool heap = f.kind == FaultKind::kHeapOverwrite;
    const bool pair =
        f.kind == FaultKind::kDeadlock &&
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
        Fail(n[u.key], absl::StrCat("'", u.key, "' has no meaning for fault '",
                                    FaultKindName(f.kind), "/",
                                    FaultVariantName(f.variant),
                                    "'; it is used by ", u.where));
  }

  // What the plan already shows can never fire is refused here; what only
  // the run can show is the trial's "not exercised".
  void CheckTriggerCanFire(const YAML::Node& n, const Scenario& s,
                           const Fault& f) {
    if (f.trigger != TriggerKind::kAfterMessages) return;
    const TrialPlan plan =
        MakePlan(s, ThreadPlacement(s.workers.size()), s.seed);
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
  void LoadPointTrigger(const YAML::Node& t, Fault& f) {
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
      const std::string text = pr.IsScalar() ? pr.Scalar() : "";
      double p = text.empty() ? -1 : std::strtod(text.c_str(), &end);
      if (text.empty() || *end || !(p > 0 && p <= 1))
        Fail(pr, "expected probability as a number above 0 and at most 1");
      f.trigger = TriggerKind::kProbability;
      f.probability_ppm = uint32_t(std::lround(p * 1e6));
      if (f.probability_ppm == 0) f.probability_ppm = 1;
    }
  }

  void LoadTrigger(const YAML::Node& t, const Scenario& s, Fault& f) {
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

  OutcomeSet Outcomes(const YAML::Node& n) {
    OutcomeSet out;
    std::vector<std::string> names;
    for (Outcome o : kAllOutcomes) names.emplace_back(OutcomeName(o));
    auto one = [&](const YAML::Node& x) {
      std::string s = String(x);
      auto o = ParseOutcome(s);
      if (!o)
        Fail(x, yaml::WithHint(absl::StrCat("unknown outcome '", s, "'"), s,
                               names));
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

  BlastCheck Blast(const YAML::Node& n) {
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
  double Rate(const YAML::Node& n) {
    const std::string text = n.IsScalar() && n.Tag() != "!" ? n.Scalar() : "";
    char* end = nullptr;
    errno = 0;
    double v = text.empty() ? 0 : std::strtod(text.c_str(), &end);
    if (text.empty() || errno != 0 || *end != '\0' || !(v > 0 && v <= 1) ||
        text.find_first_not_of("0123456789.eE+-") != std::string::npos)
      Fail(n, absl::StrCat(
                  "expected rate as a fraction of trials above 0 "
                  "and at most 1 (0.9 is 90%), got ",
                  text.empty() ? "nothing" : absl::StrCat("'", text, "'")));
    return v;
  }

  // A check's value, plain (`crashed`) or with a rate of its own
  // (`{is: crashed, rate: 0.9}`); returns the node holding the value.
  YAML::Node Rated(const YAML::Node& n, const std::string& key,
                   Expectation& x) {
    if (!n.IsMap()) return n;
    Map(n, absl::StrCat("the check '", key, "' (a value with a rate)"),
        {"is", "rate"});
    YAML::Node v = Required(n, "is", absl::StrCat("the check '", key, "'"));
    if (auto r = n["rate"]) x.rates[key] = Rate(r);
    return v;
  }

  void LoadExpect(const YAML::Node& n, Scenario& s) {
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

  std::string file_;
  std::map<std::string, std::vector<int>> groups_;
  std::map<int, int> ends_;
};

// Advice for YAML syntax errors users make. yaml-cpp says "end of map flow
// not found" for `{from: producer, to: sink[3]}`: inside { } (or [ ]) an
// unquoted `[` opens a list. The line of the error, and the one before it,
// are searched for such a name.
std::string YamlHint(std::string_view text, const YAML::Exception& e) {
  if (e.msg.find("flow") == std::string::npos) return "";
  std::vector<std::string_view> lines;
  for (size_t at = 0; at <= text.size();) {
    size_t nl = text.find('\n', at);
    if (nl == std::string_view::npos) nl = text.size();
    lines.push_back(text.substr(at, nl - at));
    at = nl + 1;
  }
  for (int l = e.mark.line; l >= 0 && l >= e.mark.line - 1; --l) {
    if (size_t(l) >= lines.size()) continue;
    std::string_view line = lines[l];
    bool quoted = false;
    char quote = 0;
    for (size_t i = 0; i < line.size(); ++i) {
      char c = line[i];
      if (quoted) {
        quoted = c != quote;
        continue;
      }
      if (c == '"' || c == '\'') {
        quoted = true;
        quote = c;
        continue;
      }
      if (c == '#') break;
      if (c != '[' || i == 0) continue;
      size_t b = i;
      while (b > 0 && (std::isalnum(static_cast<unsigned char>(line[b - 1])) ||
                       line[b - 1] == '_' || line[b - 1] == '-'))
        --b;
      size_t close = line.find(']', i);
      if (b == i || close == std::string_view::npos) continue;
      std::string name(line.substr(b, close + 1 - b));
      return absl::StrCat(
          "; hint: inside { } or [ ], quote a name with an index: \"", name,
          "\" (unquoted, YAML reads its [ as the start of a list)");
    }
  }
  return "; hint: a { } or [ ] is not closed on this line, or holds an "
         "unquoted ':', '[' or '{' (quote such values)";
}

}  // namespace

absl::StatusOr<Scenario> LoadScenarioText(std::string_view text,
                                          const std::string& file) {
  try {
    YAML::Node root = YAML::Load(std::string(text));
    if (!root || root.IsNull())
      return absl::InvalidArgumentError(absl::StrCat(
          file, ":1:1: error: the file is empty; expected a scenario mapping"));
    // A real program as the subject: its own loader (harness/program/).
    if (root.IsMap() && root["program"])
      return program::LoadProgramScenario(root, file);
    return Loader(file).Load(root);
  } catch (const yaml::Error& e) {
    return yaml::ErrorStatus(file, e.mark, e.message);
  } catch (const YAML::DeepRecursion& e) {
    // yaml-cpp's guard against a stack overflow says only "bad file".
    return yaml::ErrorStatus(
        file, e.mark,
        absl::StrCat("nested ", e.depth(),
                     " levels deep here; a scenario needs a handful (is a "
                     "bracket or a '- ' repeated?)"));
  } catch (const YAML::Exception& e) {
    return yaml::ErrorStatus(file, e.mark,
                             absl::StrCat(e.msg, YamlHint(text, e)));
  }
}

absl::StatusOr<Scenario> LoadScenarioFile(const std::string& path) {
  // "-" is standard input; anything else is opened as given. Whatever it is
  // (a file, a pipe, /dev/zero), at most kMaxScenarioBytes are read.
  const bool stdin_ = path == "-";
  const std::string name = stdin_ ? "<stdin>" : path;
  const int fd = stdin_ ? 0 : open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    std::string why = strerror(err);
    if (err == EMFILE || err == ENFILE) {
      rlimit rl{};
      getrlimit(RLIMIT_NOFILE, &rl);
      absl::StrAppend(&why, " (ulimit -n is ", rl.rlim_cur,
                      "; faultlab needs a few hundred descriptors)");
    }
    return absl::InvalidArgumentError(
        absl::StrCat(name, ": error: cannot open the scenario file: ", why));
  }
  struct stat st {};
  if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    if (!stdin_) close(fd);
    return absl::InvalidArgumentError(absl::StrCat(
        name, ": error: is a directory, expected a scenario file"));
  }
  std::string text;
  char buf[64 * 1024];
  bool too_big = false, bad = false;
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) bad = true;
    if (n <= 0) break;
    text.append(buf, size_t(n));
    if (text.size() > kMaxScenarioBytes) {
      too_big = true;
      break;
    }
  }
  const int err = errno;
  if (!stdin_) close(fd);
  if (too_big)
    return absl::InvalidArgumentError(
        absl::StrCat(name, ": error: more than ", kMaxScenarioBytes / 1024,
                     " KiB; a scenario file is at most 1 MiB"));
  if (bad)
    return absl::InvalidArgumentError(absl::StrCat(
        name, ": error: cannot read the scenario file: ", strerror(err)));
  return LoadScenarioText(text, name);
}

}  // namespace faultlab
