// WorkerScenarioLoader (worker_scenario_loader.h): `workers:` and `host:`.
// A worker is a built-in role, a component of the host, or a real program
// as a relay (`command:`); Resolve() turns a worker or group name from any
// other section into worker indices.
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "harness/internal/worker_scenario_loader.h"
#include "harness/internal/yaml_reader.h"
#include "harness/program/program_launcher.h"
#include "harness/scenario_loader.h"

namespace faultlab::internal {
namespace {

constexpr Named<Role> kRoles[] = {{"producer", Role::kProducer},
                                  {"relay", Role::kRelay},
                                  {"sink", Role::kSink},
                                  {"locker", Role::kLocker},
                                  {"idle", Role::kIdle}};
constexpr Named<Policy> kPolicies[] = {{"stop", Policy::kStop},
                                       {"wait", Policy::kWait},
                                       {"continue", Policy::kContinue}};

// A command with a '/' runs as given, if it can; a bare name as $PATH
// resolves it.
std::string CommandPath(const std::string& name) {
  if (name.find('/') != std::string::npos)
    return access(name.c_str(), X_OK) == 0 ? name : "";
  return program::FindInPath(name);
}

}  // namespace

void WorkerScenarioLoader::LoadWorkers(const YAML::Node& n, Scenario& s) {
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
    if (auto v = w["messages"]) proto.messages = Int(v, 0, 1000000, "messages");
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
void WorkerScenarioLoader::LoadCommand(const YAML::Node& c, const YAML::Node& w,
                                       Worker& proto) {
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
  proto.command_path = CommandPath(proto.command[0]);
  if (proto.command_path.empty())
    Fail(c[0], absl::StrCat("program '", proto.command[0],
                            "' is not an executable in PATH"));
}

// `component: NAME` and its free-form `config:` (scalars only).
void WorkerScenarioLoader::LoadComponent(const YAML::Node& w, Worker& proto) {
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
void WorkerScenarioLoader::LoadHost(const YAML::Node& n, Scenario& s) {
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
void WorkerScenarioLoader::RefuseUnusedWorkerKeys(const YAML::Node& w,
                                                  Role role) {
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

// "sink" → every sink; "sink[1]" → that one.
std::vector<int> WorkerScenarioLoader::Resolve(const YAML::Node& n,
                                               const Scenario& s) {
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

int WorkerScenarioLoader::ResolveOne(const YAML::Node& n, const Scenario& s,
                                     const char* what) {
  std::vector<int> v = Resolve(n, s);
  if (v.size() != 1)
    Fail(n, absl::StrCat(what, " '", n.Scalar(), "' names ", v.size(),
                         " workers; name exactly one, e.g. '", n.Scalar(),
                         "[0]'"));
  return v[0];
}

}  // namespace faultlab::internal
