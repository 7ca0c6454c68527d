// The checks that fail throw yaml::Error (harness/internal/yaml_reader.h);
// LoadProgramScenario turns it into a Status.
#include "harness/program/program_loader.h"

#include <signal.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <memory>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "harness/internal/yaml_reader.h"
#include "harness/program/program_spec.h"

namespace faultlab::program {
namespace {

using yaml::Bool;
using yaml::DecimalInt;
using yaml::Fail;
using yaml::Map;
using yaml::Required;
using yaml::String;

class Loader {
 public:
  explicit Loader(std::string file) : file_(std::move(file)) {}

  Scenario Load(const YAML::Node& root) {
    Map(root, "the scenario",
        {"name", "description", "seed", "deadline_ms", "placements", "program",
         "probes", "clients", "fault", "expect"});
    Scenario s;
    s.file = file_;
    s.name = Name(Required(root, "name", "the scenario"), "name");
    if (auto n = root["description"]) s.description = String(n);
    if (auto n = root["seed"]) s.seed = DecimalInt(n, 0, INT64_MAX, "seed");
    if (auto n = root["deadline_ms"])
      s.deadline_ms = DecimalInt(n, 1, 600000, "deadline_ms");
    s.placements = {ProcessPlacement(0)};
    if (auto n = root["placements"]) {
      if (!n.IsSequence() || n.size() != 1 || String(n[0]) != "process")
        Fail(n,
             "a program runs as its own processes: placements can only be "
             "[process]");
    }
    auto spec = std::make_shared<ProgramSpec>();
    std::error_code ec;
    spec->scenario_dir = std::filesystem::absolute(
                             std::filesystem::path(file_).parent_path(), ec)
                             .lexically_normal()
                             .string();
    LoadProgram(Required(root, "program", "the scenario"), spec.get());
    if (auto n = root["probes"]) LoadProbes(n, spec.get());
    if (auto n = root["clients"]) LoadClients(n, spec.get());
    if (auto n = root["fault"]) LoadFault(n, s, spec.get());
    if (auto n = root["expect"]) LoadExpect(n, spec.get());
    s.program = spec;
    return s;
  }

 private:
  // Program names are 1 to 64 characters; a null or a collection reads as
  // the empty name.
  static std::string Name(const YAML::Node& n, const char* what) {
    const std::string v = n.IsScalar() ? n.Scalar() : "";
    yaml::CheckName(n, v, what, 64);
    return v;
  }

  // A fault's `which:` (first, random, all, or an index), for signal and
  // raised faults alike.
  void ReadWhich(const YAML::Node& w, Which& which, uint32_t& index) {
    const std::string v = String(w);
    if (v == "first")
      which = Which::kFirst;
    else if (v == "random")
      which = Which::kRandom;
    else if (v == "all")
      which = Which::kAll;
    else
      which = Which::kIndex, index = DecimalInt(w, 0, 1023, "which (an index)");
  }

  std::vector<std::string> Strings(const YAML::Node& n, const char* what) {
    if (!n.IsSequence() || n.size() == 0)
      Fail(n, absl::StrCat("expected ", what, " as a non-empty list"));
    std::vector<std::string> out;
    for (const auto& x : n) out.push_back(String(x));
    return out;
  }

  void LoadProgram(const YAML::Node& n, ProgramSpec* p) {
    Map(n, "'program'",
        {"command", "env", "cwd", "ready", "roles", "listen", "files"});
    p->argv = Strings(Required(n, "command", "'program'"), "'command'");
    if (auto e = n["env"]) {
      if (!e.IsMap()) Fail(e, "expected 'env' as a mapping of NAME: value");
      for (const auto& kv : e) p->env[String(kv.first)] = String(kv.second);
    }
    if (auto c = n["cwd"]) p->cwd = String(c);
    if (auto r = n["ready"]) LoadReady(r, p);
    if (auto l = n["listen"]) LoadListen(l, p);
    if (auto f = n["files"]) LoadFiles(f, p);
    if (auto r = n["roles"]) {
      if (!r.IsSequence() || r.size() == 0)
        Fail(r, "expected 'roles' as a non-empty list");
      for (const auto& x : r) {
        Map(x, "a role", {"name", "comm", "argv", "parent"});
        RoleRule rule;
        rule.name = Name(Required(x, "name", "a role"), "a role name");
        if (auto v = x["comm"]) rule.comm = String(v);
        if (auto v = x["argv"]) rule.argv = String(v);
        if (auto v = x["parent"]) {
          rule.parent = String(v);
          rule.launched = rule.parent == "none";
          if (!rule.launched && std::none_of(p->roles.begin(), p->roles.end(),
                                             [&](const RoleRule& o) {
                                               return o.name == rule.parent;
                                             }))
            Fail(v, absl::StrCat("parent role '", rule.parent,
                                 "' is not defined above; use 'none' for the "
                                 "process faultlab starts"));
        }
        for (const RoleRule& o : p->roles)
          if (o.name == rule.name)
            Fail(x["name"], absl::StrCat("two roles named '", rule.name, "'"));
        p->roles.push_back(rule);
      }
    } else {
      RoleRule all;
      all.name = "program";
      p->roles.push_back(all);
    }
  }

  // Socket activation: [{name: http, tcp: "127.0.0.1:${port}"}, ...].
  void LoadListen(const YAML::Node& n, ProgramSpec* p) {
    if (!n.IsSequence() || n.size() == 0 || n.size() > 16)
      Fail(n, "expected 'listen' as a list of 1 to 16 sockets");
    for (const auto& x : n) {
      Map(x, "a listen socket", {"name", "tcp"});
      ListenSocket l;
      l.name = Name(Required(x, "name", "a listen socket"),
                    "a listen socket's name");
      const YAML::Node tcp = Required(x, "tcp", "a listen socket");
      CheckHostPort(tcp);
      l.address = String(tcp);
      for (const ListenSocket& o : p->listen) {
        if (o.name == l.name)
          Fail(x["name"],
               absl::StrCat("two listen sockets named '", l.name, "'"));
        if (o.address == l.address)
          Fail(tcp, absl::StrCat("'", l.address, "' is already socket '",
                                 o.name, "'"));
      }
      p->listen.push_back(l);
    }
  }

  // files: {NAME: TEMPLATE}: NAME under ${tmp}; TEMPLATE relative to the
  // scenario's directory (or starting with ${scenario_dir}), and it must
  // exist now.
  void LoadFiles(const YAML::Node& n, ProgramSpec* p) {
    if (!n.IsMap() || n.size() == 0)
      Fail(n, "expected 'files' as a mapping of NAME: template path");
    for (const auto& kv : n) {
      TrialFile f;
      f.name = String(kv.first);
      const bool bad_char =
          f.name.find_first_not_of(
              "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLM"
              "NOPQRSTUVWXYZ0123456789._-/") != std::string::npos;
      if (f.name.empty() || f.name[0] == '/' || bad_char ||
          ("/" + f.name + "/").find("/../") != std::string::npos)
        Fail(kv.first, absl::StrCat("a file name is a relative path under "
                                    "${tmp} (letters, digits, . _ - /, no "
                                    "'..'), got '",
                                    f.name, "'"));
      std::string src = String(kv.second);
      const std::string var = "${scenario_dir}";
      if (src.rfind(var, 0) == 0)
        src = p->scenario_dir + src.substr(var.size());
      else if (src.empty() || src[0] != '/')
        src = p->scenario_dir + "/" + src;
      std::error_code ec;
      if (!std::filesystem::is_regular_file(src, ec))
        Fail(kv.second, absl::StrCat("template '", src, "' is not a file"));
      f.source = src;
      p->files.push_back(f);
    }
  }

  void LoadReady(const YAML::Node& r, ProgramSpec* p) {
    Map(r, "'ready'",
        {"tcp", "http", "line", "stderr_line", "file", "timeout_ms"});
    Readiness& d = p->ready;
    int kinds = 0;
    for (auto [key, kind] : {std::pair{"tcp", ReadyKind::kTcp},
                             {"http", ReadyKind::kHttp},
                             {"line", ReadyKind::kLine},
                             {"stderr_line", ReadyKind::kLine},
                             {"file", ReadyKind::kFile}}) {
      if (auto v = r[key]) {
        ++kinds;
        d.kind = kind;
        d.target = String(v);
        d.line_on_stderr = std::string(key) == "stderr_line";
      }
    }
    if (kinds != 1)
      Fail(r,
           "'ready' needs exactly one of tcp, http, line, stderr_line, file");
    if (d.kind == ReadyKind::kTcp) CheckHostPort(r["tcp"]);
    if (auto v = r["timeout_ms"])
      d.timeout_ms = DecimalInt(v, 1, 600000, "timeout_ms");
  }

  // Loopback only: faultlab never points a fault or load at another host.
  void CheckHostPort(const YAML::Node& n) {
    const std::string v = String(n);
    if (v.rfind("127.0.0.1:", 0) != 0 && v.rfind("localhost:", 0) != 0)
      Fail(n, absl::StrCat("expected 127.0.0.1:PORT (loopback only), got '", v,
                           "'"));
  }
  void CheckUrl(const YAML::Node& n) {
    const std::string v = String(n);
    if (v.rfind("http://127.0.0.1:", 0) != 0 &&
        v.rfind("http://localhost:", 0) != 0)
      Fail(n, absl::StrCat("expected http://127.0.0.1:PORT/... (loopback "
                           "only), got '",
                           v, "'"));
  }

  void LoadProbes(const YAML::Node& n, ProgramSpec* p) {
    if (!n.IsSequence()) Fail(n, "expected 'probes' as a list");
    for (const auto& x : n) {
      Map(x, "a probe",
          {"name", "tcp", "http", "command", "interval_ms", "timeout_ms"});
      Probe pr;
      pr.name = Name(Required(x, "name", "a probe"), "a probe name");
      int kinds = 0;
      if (auto v = x["tcp"])
        CheckHostPort(v), pr.kind = ProbeKind::kTcp, ++kinds;
      if (auto v = x["http"]) CheckUrl(v), pr.kind = ProbeKind::kHttp, ++kinds;
      if (x["command"]) pr.kind = ProbeKind::kCommand, ++kinds;
      if (kinds != 1)
        Fail(x, "a probe needs exactly one of tcp, http, command");
      pr.target = String(x[pr.kind == ProbeKind::kTcp    ? "tcp"
                           : pr.kind == ProbeKind::kHttp ? "http"
                                                         : "command"]);
      if (auto v = x["interval_ms"])
        pr.interval_ms = DecimalInt(v, 5, 60000, "interval_ms");
      if (auto v = x["timeout_ms"])
        pr.timeout_ms = DecimalInt(v, 1, 60000, "timeout_ms");
      for (const Probe& o : p->probes)
        if (o.name == pr.name)
          Fail(x["name"], absl::StrCat("two probes named '", pr.name, "'"));
      p->probes.push_back(pr);
    }
  }

  void LoadClients(const YAML::Node& n, ProgramSpec* p) {
    if (!n.IsSequence()) Fail(n, "expected 'clients' as a list");
    for (const auto& x : n) {
      Map(x, "a client",
          {"name", "tcp", "http", "sessions", "rate", "send", "reply",
           "timeout_ms"});
      Client c;
      c.name = Name(Required(x, "name", "a client"), "a client name");
      if (bool(x["tcp"]) == bool(x["http"]))
        Fail(x, "a client needs exactly one of tcp, http");
      if (auto v = x["tcp"]) CheckHostPort(v), c.target = String(v);
      if (auto v = x["http"]) {
        CheckUrl(v);
        c.kind = ClientKind::kHttp;
        c.target = String(v);
      }
      if (auto v = x["sessions"]) c.sessions = DecimalInt(v, 1, 64, "sessions");
      if (auto v = x["rate"]) c.rate = DecimalInt(v, 1, 10000, "rate");
      if (auto v = x["send"]) c.send = String(v);
      if (auto v = x["reply"]) c.reply = String(v);
      if (auto v = x["timeout_ms"])
        c.timeout_ms = DecimalInt(v, 1, 60000, "timeout_ms");
      if (c.kind == ClientKind::kHttp && (x["send"] || x["reply"]))
        Fail(x, "send and reply apply to tcp clients only");
      for (const Client& o : p->clients)
        if (o.name == c.name)
          Fail(x["name"], absl::StrCat("two clients named '", c.name, "'"));
      p->clients.push_back(c);
    }
  }

  void LoadFault(const YAML::Node& n, const Scenario& s, ProgramSpec* p) {
    if (!n.IsMap()) Fail(n, "expected the fault as a mapping");
    const std::string kind = String(Required(n, "kind", "the fault"));
    if (kind == "segfault" || kind == "abort" || kind == "heap_overwrite" ||
        kind == "hang" || kind == "deadlock")
      return LoadRaised(n, s, p);
    Map(n, "the fault",
        {"kind", "signal", "target", "which", "trigger", "resume_after_ms"});
    if (kind == "none") return;
    if (kind != "signal")
      Fail(n["kind"],
           absl::StrCat("a program's fault kind is 'signal' (sent), "
                        "'segfault', 'abort', 'heap_overwrite', 'hang' or "
                        "'deadlock' (raised by the injector), or 'none'; "
                        "got '",
                        kind, "'"));
    SignalFault& f = p->fault;
    f.present = true;
    f.signo = yaml::SignalNumber(Required(n, "signal", "a signal fault"));
    f.role = Role(Required(n, "target", "a signal fault"), *p).name;
    if (auto w = n["which"]) ReadWhich(w, f.which, f.index);
    const YAML::Node t = Required(n, "trigger", "a signal fault");
    Map(t, "the trigger", {"after_ms", "after_requests", "after_probe"});
    if (t.size() != 1)
      Fail(t,
           "a trigger has exactly one of after_ms, after_requests, "
           "after_probe");
    if (auto v = t["after_ms"]) {
      f.trigger_value = DecimalInt(v, 0, 600000, "after_ms");
      if (f.trigger_value >= s.deadline_ms)
        Fail(v, absl::StrCat("after_ms must be below the deadline (",
                             s.deadline_ms, " ms)"));
    } else if (auto v = t["after_requests"]) {
      if (p->clients.empty()) Fail(v, "after_requests needs a client");
      f.trigger = ProgramTrigger::kAfterRequests;
      f.trigger_value = DecimalInt(v, 1, 100000000, "after_requests");
    } else {
      f.trigger = ProgramTrigger::kAfterProbe;
      f.trigger_probe = String(t["after_probe"]);
      if (std::none_of(
              p->probes.begin(), p->probes.end(),
              [&](const Probe& pr) { return pr.name == f.trigger_probe; }))
        Fail(t["after_probe"],
             absl::StrCat("no probe named '", f.trigger_probe, "'"));
    }
    if (auto v = n["resume_after_ms"]) {
      if (f.signo != SIGSTOP)
        Fail(v, "resume_after_ms applies to SIGSTOP only");
      f.resume_after_ms = DecimalInt(v, 1, 600000, "resume_after_ms");
    }
  }

  // ---- A raised fault (the injector, workers/inject/) ----
  const RoleRule& Role(const YAML::Node& target, const ProgramSpec& p) {
    for (const RoleRule& r : p.roles)
      if (r.name == String(target)) return r;
    std::vector<std::string> roles;
    for (const RoleRule& r : p.roles) roles.push_back(r.name);
    Fail(target, absl::StrCat("no role named '", String(target),
                              "'; roles: ", absl::StrJoin(roles, ", ")));
  }

  // Each raised kind's variants, the default first (abort has none).
  static std::vector<std::pair<std::string, inject::Action>> RaisedVariants(
      const std::string& kind) {
    using inject::Action;
    if (kind == "segfault")
      return {{"null_write", Action::kNullWrite},
              {"wild_pointer", Action::kWildPointer},
              {"stack_overflow", Action::kStackOverflow}};
    if (kind == "heap_overwrite") return {{"overflow", Action::kHeapOverflow}};
    if (kind == "hang")
      return {{"busy", Action::kHangBusy}, {"sleep", Action::kHangSleep}};
    if (kind == "deadlock") return {{"held_forever", Action::kLockHeld}};
    return {};
  }

  void LoadRaised(const YAML::Node& n, const Scenario& s, ProgramSpec* p) {
    Map(n, "a raised fault",
        {"kind", "variant", "target", "which", "thread", "trigger", "fork",
         "bytes"});
    RaisedFault& f = p->raised;
    f.present = true;
    f.kind = String(n["kind"]);
    using inject::Action;
    const std::vector<std::pair<std::string, Action>> variants =
        RaisedVariants(f.kind);
    f.action = variants.empty() ? Action::kAbort : variants[0].second;
    f.variant = variants.empty() ? "" : variants[0].first;
    if (auto v = n["variant"]) {
      std::vector<std::string> names;
      for (const auto& [name, a] : variants) names.push_back(name);
      if (variants.empty()) Fail(v, "abort has no variant");
      auto it =
          std::find_if(variants.begin(), variants.end(),
                       [&](const auto& x) { return x.first == String(v); });
      if (it == variants.end())
        Fail(v,
             absl::StrCat("unknown ", f.kind, " variant '", String(v),
                          "'; expected one of: ", absl::StrJoin(names, ", ")));
      f.variant = it->first;
      f.action = it->second;
    }
    f.role = Role(Required(n, "target", "a raised fault"), *p).name;
    if (auto w = n["which"]) ReadWhich(w, f.which, f.index);
    if (auto v = n["thread"]) {
      f.thread = String(v);
      if (f.thread.empty() || f.thread.size() > 15)
        Fail(v,
             "thread is a thread-name prefix of 1 to 15 bytes (Linux "
             "thread names are at most 15)");
    }
    if (auto v = n["fork"]) {
      if (String(v) != "reset" && String(v) != "inherit")
        Fail(v,
             "fork is 'reset' (a forked child counts from 0) or "
             "'inherit' (it goes on from its parent's count)");
      f.fork = String(v) == "inherit" ? inject::ForkMode::kInherit
                                      : inject::ForkMode::kReset;
    }
    if (auto v = n["bytes"]) {
      if (f.kind != "heap_overwrite")
        Fail(v, "bytes applies to heap_overwrite only");
      f.bytes = DecimalInt(v, 1, 4096, "bytes");
    }
    const YAML::Node t = Required(n, "trigger", "a raised fault");
    Map(t, "the trigger", {"call", "after_calls", "random_calls", "after_ms"});
    if (auto v = t["call"]) {
      std::vector<std::string> names;
      for (int c = 1; c < int(inject::Call::kCount); ++c) {
        names.push_back(inject::CallName(inject::Call(c)));
        if (String(v) == names.back()) f.call = inject::Call(c);
      }
      if (f.call == inject::Call::kAny)
        Fail(v, absl::StrCat(
                    "unknown call '", String(v),
                    "'; the injector counts: ", absl::StrJoin(names, ", ")));
    }
    if (t["after_calls"] && t["random_calls"])
      Fail(t, "a trigger has after_calls or random_calls, not both");
    if (auto v = t["after_calls"])
      f.after_calls = DecimalInt(v, 1, 1000000000, "after_calls");
    if (auto v = t["random_calls"])
      f.random_calls = DecimalInt(v, 1, 1000000000, "random_calls");
    if (auto v = t["after_ms"]) {
      f.after_ms = DecimalInt(v, 0, 600000, "after_ms");
      if (f.after_ms >= s.deadline_ms)
        Fail(v, absl::StrCat("after_ms must be below the deadline (",
                             s.deadline_ms, " ms)"));
    }
    if (!t["after_calls"] && !t["random_calls"] && !t["after_ms"])
      Fail(t,
           "a raised fault's trigger needs after_calls, random_calls or "
           "after_ms (with call: the Nth call of it, or the first one "
           "after the time)");
    if ((f.after_calls || f.random_calls) && !t["call"])
      Fail(t,
           "after_calls and random_calls count a call: add call: (one "
           "of accept, read, write, send, recv, malloc, connect)");
    if (f.action == Action::kHeapOverflow && f.call != inject::Call::kMalloc)
      Fail(n["kind"],
           "heap_overwrite overruns the block a malloc call just "
           "returned: its trigger needs call: malloc");
  }

  Compare Cmp(const YAML::Node& n) {
    const std::string s = String(n);
    size_t i = 0;
    while (i < s.size() && (s[i] == '<' || s[i] == '>' || s[i] == '=')) ++i;
    Compare c{i == 0 ? "==" : s.substr(0, i), 0};
    std::string num = s.substr(i);
    while (!num.empty() && num[0] == ' ') num.erase(0, 1);
    static const std::set<std::string> ops{"==", ">", ">=", "<", "<="};
    auto [end, err] =
        std::from_chars(num.data(), num.data() + num.size(), c.value);
    if (!ops.count(c.op) || num.empty() || err != std::errc() ||
        end != num.data() + num.size() || c.value < 0)
      Fail(n, "expected a count or a comparison: 0, \">0\", \"<500\"");
    return c;
  }

  void LoadExpect(const YAML::Node& n, ProgramSpec* p) {
    Map(n, "'expect'", {"process"});
    const YAML::Node e = n["process"];
    Map(e, "an expectation",
        {"roles", "probes", "clients", "recovery_ms", "respawn_ms"});
    ProgramExpect x;
    if (auto v = e["roles"]) {
      if (!v.IsMap()) Fail(v, "expected 'roles' as a mapping of role: facts");
      for (const auto& kv : v) {
        const std::string role = String(kv.first);
        if (std::none_of(p->roles.begin(), p->roles.end(),
                         [&](const RoleRule& r) { return r.name == role; }))
          Fail(kv.first, absl::StrCat("no role named '", role, "'"));
        x.roles[role] = Facts(kv.second);
      }
    }
    if (auto v = e["probes"]) {
      if (!v.IsMap()) Fail(v, "expected 'probes' as a mapping");
      for (const auto& kv : v) {
        const std::string name = String(kv.first);
        if (std::none_of(p->probes.begin(), p->probes.end(),
                         [&](const Probe& pr) { return pr.name == name; }))
          Fail(kv.first, absl::StrCat("no probe named '", name, "'"));
        Map(kv.second, "a probe expectation",
            {"never_failed", "passing_within_ms", "passing_at_end"});
        ProbeExpect pe;
        if (auto b = kv.second["never_failed"])
          pe.never_failed = Bool(b, "never_failed");
        if (auto b = kv.second["passing_within_ms"])
          pe.passing_within_ms = DecimalInt(b, 0, 600000, "passing_within_ms");
        if (auto b = kv.second["passing_at_end"])
          pe.passing_at_end = Bool(b, "passing_at_end");
        x.probes[name] = pe;
      }
    }
    if (auto v = e["clients"]) {
      if (!v.IsMap()) Fail(v, "expected 'clients' as a mapping");
      for (const auto& kv : v) {
        const std::string name = String(kv.first);
        if (std::none_of(p->clients.begin(), p->clients.end(),
                         [&](const Client& c) { return c.name == name; }))
          Fail(kv.first, absl::StrCat("no client named '", name, "'"));
        Map(kv.second, "a client expectation",
            {"no_session_lost", "every_session_lost", "lost"});
        ClientExpect ce;
        if (auto b = kv.second["no_session_lost"])
          ce.no_session_lost = Bool(b, "no_session_lost");
        if (auto b = kv.second["every_session_lost"])
          ce.every_session_lost = Bool(b, "every_session_lost");
        if (auto b = kv.second["lost"]) ce.lost = Cmp(b);
        x.clients[name] = ce;
      }
    }
    if (auto v = e["recovery_ms"]) x.recovery_ms = Cmp(v);
    if (auto v = e["respawn_ms"]) x.respawn_ms = Cmp(v);
    p->expect = x;
  }

  // `crashed`, `[crashed, respawned]`, or `{crashed: true, respawned: false}`.
  RoleExpect Facts(const YAML::Node& n) {
    static const std::vector<std::string> kFacts{"crashed", "exited",
                                                 "survived", "respawned"};
    RoleExpect r;
    auto fact = [&](const YAML::Node& k, bool value) {
      const std::string f = String(k);
      if (std::find(kFacts.begin(), kFacts.end(), f) == kFacts.end())
        Fail(k, yaml::WithHint(absl::StrCat("unknown role fact '", f, "'"), f,
                               kFacts));
      r.facts[f] = value;
    };
    if (n.IsScalar())
      fact(n, true);
    else if (n.IsSequence())
      for (const auto& x : n) fact(x, true);
    else if (n.IsMap())
      for (const auto& kv : n) fact(kv.first, Bool(kv.second, "a role fact"));
    else
      Fail(n,
           "expected role facts: crashed, [crashed, respawned] or "
           "{respawned: false}");
    return r;
  }

  std::string file_;
};

}  // namespace

absl::StatusOr<Scenario> LoadProgramScenario(const YAML::Node& root,
                                             const std::string& file) {
  try {
    Loader loader(file);
    return loader.Load(root);
  } catch (const yaml::Error& e) {
    return yaml::ErrorStatus(file, e.mark, e.message);
  }
}

}  // namespace faultlab::program
