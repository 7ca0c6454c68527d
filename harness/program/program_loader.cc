// Inside this file a failed check throws Error; LoadProgramScenario turns
// it into a Status. yaml-cpp marks are 0-based; errors print them 1-based.
#include "harness/program/program_loader.h"

#include <signal.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <memory>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "harness/program/program_spec.h"
#include "harness/scenario_loader.h"

namespace faultlab::program {
namespace {

struct Error {
  YAML::Mark mark;
  std::string message;
};

constexpr std::pair<const char*, int> kSignals[] = {
    {"SIGSEGV", SIGSEGV}, {"SIGABRT", SIGABRT}, {"SIGKILL", SIGKILL},
    {"SIGTERM", SIGTERM}, {"SIGSTOP", SIGSTOP}, {"SIGBUS", SIGBUS},
    {"SIGINT", SIGINT},   {"SIGHUP", SIGHUP}};

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
    if (auto n = root["description"]) s.description = Str(n);
    if (auto n = root["seed"]) s.seed = Int(n, 0, INT64_MAX, "seed");
    if (auto n = root["deadline_ms"])
      s.deadline_ms = Int(n, 1, 600000, "deadline_ms");
    s.placements = {ProcessPlacement(0)};
    if (auto n = root["placements"]) {
      if (!n.IsSequence() || n.size() != 1 || Str(n[0]) != "process")
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
  [[noreturn]] void Fail(const YAML::Node& n, std::string msg) {
    throw Error{n.Mark(), std::move(msg)};
  }

  void Map(const YAML::Node& n, const std::string& what,
           const std::vector<std::string>& keys) {
    if (!n.IsMap()) Fail(n, absl::StrCat("expected ", what, " as a mapping"));
    std::set<std::string> seen;
    for (const auto& kv : n) {
      if (!kv.first.IsScalar()) Fail(kv.first, "expected a plain key");
      const std::string key = kv.first.Scalar();
      if (!seen.insert(key).second)
        Fail(kv.first, absl::StrCat("key '", key, "' given twice in ", what));
      if (std::find(keys.begin(), keys.end(), key) != keys.end()) continue;
      std::string msg = absl::StrCat("unknown key '", key, "' in ", what);
      std::string near = NearestName(key, keys);
      absl::StrAppend(&msg, near.empty() ? "; expected one of: " : "",
                      near.empty() ? absl::StrJoin(keys, ", ") : "");
      if (!near.empty()) absl::StrAppend(&msg, "; did you mean '", near, "'?");
      Fail(kv.first, msg);
    }
  }

  YAML::Node Required(const YAML::Node& n, const char* key,
                      const std::string& what) {
    YAML::Node v = n[key];
    if (!v) Fail(n, absl::StrCat(what, " needs '", key, "'"));
    return v;
  }

  std::string Str(const YAML::Node& n) {
    if (!n.IsScalar()) Fail(n, "expected a string");
    return n.Scalar();
  }

  std::string Name(const YAML::Node& n, const char* what) {
    std::string v = n.IsScalar() ? n.Scalar() : "";
    if (v.empty() || v.size() > 64 ||
        v.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWX"
                            "YZ0123456789_-") != std::string::npos)
      Fail(n, absl::StrCat(what,
                           " needs 1 to 64 letters, digits, '_' or '-', got '",
                           v, "'"));
    return v;
  }

  // Decimal integers only here (as YAML 1.2 reads them: 010 is ten).
  int64_t Int(const YAML::Node& n, int64_t lo, int64_t hi, const char* what) {
    const std::string t = n.IsScalar() && n.Tag() != "!" ? n.Scalar() : "";
    int64_t v = 0;
    auto [end, err] = std::from_chars(t.data(), t.data() + t.size(), v);
    if (t.empty() || err != std::errc() || end != t.data() + t.size())
      Fail(n, absl::StrCat("expected an integer for ", what));
    if (v < lo || v > hi)
      Fail(n, absl::StrCat(what, " must be between ", lo, " and ", hi, ", got ",
                           v));
    return v;
  }

  // A fault's `which:` (first, random, all, or an index), for signal and
  // raised faults alike.
  void ReadWhich(const YAML::Node& w, Which& which, uint32_t& index) {
    const std::string v = Str(w);
    if (v == "first")
      which = Which::kFirst;
    else if (v == "random")
      which = Which::kRandom;
    else if (v == "all")
      which = Which::kAll;
    else
      which = Which::kIndex, index = Int(w, 0, 1023, "which (an index)");
  }

  bool Bool(const YAML::Node& n, const char* what) {
    const std::string t = n.IsScalar() && n.Tag() != "!" ? n.Scalar() : "";
    if (t == "true" || t == "True" || t == "TRUE") return true;
    if (t == "false" || t == "False" || t == "FALSE") return false;
    Fail(n, absl::StrCat("expected true or false for ", what));
  }

  std::vector<std::string> Strings(const YAML::Node& n, const char* what) {
    if (!n.IsSequence() || n.size() == 0)
      Fail(n, absl::StrCat("expected ", what, " as a non-empty list"));
    std::vector<std::string> out;
    for (const auto& x : n) out.push_back(Str(x));
    return out;
  }

  void LoadProgram(const YAML::Node& n, ProgramSpec* p) {
    Map(n, "'program'",
        {"command", "env", "cwd", "ready", "roles", "listen", "files"});
    p->argv = Strings(Required(n, "command", "'program'"), "'command'");
    if (auto e = n["env"]) {
      if (!e.IsMap()) Fail(e, "expected 'env' as a mapping of NAME: value");
      for (const auto& kv : e) p->env[Str(kv.first)] = Str(kv.second);
    }
    if (auto c = n["cwd"]) p->cwd = Str(c);
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
        if (auto v = x["comm"]) rule.comm = Str(v);
        if (auto v = x["argv"]) rule.argv = Str(v);
        if (auto v = x["parent"]) {
          rule.parent = Str(v);
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
      l.address = Str(tcp);
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
      f.name = Str(kv.first);
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
      std::string src = Str(kv.second);
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
        d.target = Str(v);
        d.line_on_stderr = std::string(key) == "stderr_line";
      }
    }
    if (kinds != 1)
      Fail(r,
           "'ready' needs exactly one of tcp, http, line, stderr_line, file");
    if (d.kind == ReadyKind::kTcp) CheckHostPort(r["tcp"]);
    if (auto v = r["timeout_ms"])
      d.timeout_ms = Int(v, 1, 600000, "timeout_ms");
  }

  // Loopback only: faultlab never points a fault or load at another host.
  void CheckHostPort(const YAML::Node& n) {
    const std::string v = Str(n);
    if (v.rfind("127.0.0.1:", 0) != 0 && v.rfind("localhost:", 0) != 0)
      Fail(n, absl::StrCat("expected 127.0.0.1:PORT (loopback only), got '", v,
                           "'"));
  }
  void CheckUrl(const YAML::Node& n) {
    const std::string v = Str(n);
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
      pr.target = Str(x[pr.kind == ProbeKind::kTcp    ? "tcp"
                        : pr.kind == ProbeKind::kHttp ? "http"
                                                      : "command"]);
      if (auto v = x["interval_ms"])
        pr.interval_ms = Int(v, 5, 60000, "interval_ms");
      if (auto v = x["timeout_ms"])
        pr.timeout_ms = Int(v, 1, 60000, "timeout_ms");
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
      if (auto v = x["tcp"]) CheckHostPort(v), c.target = Str(v);
      if (auto v = x["http"]) {
        CheckUrl(v);
        c.kind = ClientKind::kHttp;
        c.target = Str(v);
      }
      if (auto v = x["sessions"]) c.sessions = Int(v, 1, 64, "sessions");
      if (auto v = x["rate"]) c.rate = Int(v, 1, 10000, "rate");
      if (auto v = x["send"]) c.send = Str(v);
      if (auto v = x["reply"]) c.reply = Str(v);
      if (auto v = x["timeout_ms"])
        c.timeout_ms = Int(v, 1, 60000, "timeout_ms");
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
    const std::string kind = Str(Required(n, "kind", "the fault"));
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
    const YAML::Node sig = Required(n, "signal", "a signal fault");
    std::vector<std::string> names;
    for (auto [name, no] : kSignals) {
      names.push_back(name);
      if (Str(sig) == name) f.signo = no;
    }
    if (!f.signo)
      Fail(sig,
           absl::StrCat("unknown signal '", Str(sig),
                        "'; expected one of: ", absl::StrJoin(names, ", ")));
    const YAML::Node target = Required(n, "target", "a signal fault");
    f.role = Str(target);
    if (std::none_of(p->roles.begin(), p->roles.end(),
                     [&](const RoleRule& r) { return r.name == f.role; })) {
      std::vector<std::string> roles;
      for (const RoleRule& r : p->roles) roles.push_back(r.name);
      Fail(target, absl::StrCat("no role named '", f.role,
                                "'; roles: ", absl::StrJoin(roles, ", ")));
    }
    if (auto w = n["which"]) ReadWhich(w, f.which, f.index);
    const YAML::Node t = Required(n, "trigger", "a signal fault");
    Map(t, "the trigger", {"after_ms", "after_requests", "after_probe"});
    if (t.size() != 1)
      Fail(t,
           "a trigger has exactly one of after_ms, after_requests, "
           "after_probe");
    if (auto v = t["after_ms"]) {
      f.trigger_value = Int(v, 0, 600000, "after_ms");
      if (f.trigger_value >= s.deadline_ms)
        Fail(v, absl::StrCat("after_ms must be below the deadline (",
                             s.deadline_ms, " ms)"));
    } else if (auto v = t["after_requests"]) {
      if (p->clients.empty()) Fail(v, "after_requests needs a client");
      f.trigger = ProgramTrigger::kAfterRequests;
      f.trigger_value = Int(v, 1, 100000000, "after_requests");
    } else {
      f.trigger = ProgramTrigger::kAfterProbe;
      f.trigger_probe = Str(t["after_probe"]);
      if (std::none_of(
              p->probes.begin(), p->probes.end(),
              [&](const Probe& pr) { return pr.name == f.trigger_probe; }))
        Fail(t["after_probe"],
             absl::StrCat("no probe named '", f.trigger_probe, "'"));
    }
    if (auto v = n["resume_after_ms"]) {
      if (f.signo != SIGSTOP)
        Fail(v, "resume_after_ms applies to SIGSTOP only");
      f.resume_after_ms = Int(v, 1, 600000, "resume_after_ms");
    }
  }

  // ---- A raised fault (the injector, workers/inject/) ----
  const RoleRule& Role(const YAML::Node& target, const ProgramSpec& p) {
    for (const RoleRule& r : p.roles)
      if (r.name == Str(target)) return r;
    std::vector<std::string> roles;
    for (const RoleRule& r : p.roles) roles.push_back(r.name);
    Fail(target, absl::StrCat("no role named '", Str(target),
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
    f.kind = Str(n["kind"]);
    using inject::Action;
    const std::vector<std::pair<std::string, Action>> variants =
        RaisedVariants(f.kind);
    f.action = variants.empty() ? Action::kAbort : variants[0].second;
    f.variant = variants.empty() ? "" : variants[0].first;
    if (auto v = n["variant"]) {
      std::vector<std::string> names;
      for (const auto& [name, a] : variants) names.push_back(name);
      if (variants.empty()) Fail(v, "abort has no variant");
      auto it = std::find_if(variants.begin(), variants.end(),
                             [&](const auto& x) { return x.first == Str(v); });
      if (it == variants.end())
        Fail(v,
             absl::StrCat("unknown ", f.kind, " variant '", Str(v),
                          "'; expected one of: ", absl::StrJoin(names, ", ")));
      f.variant = it->first;
      f.action = it->second;
    }
    f.role = Role(Required(n, "target", "a raised fault"), *p).name;
    if (auto w = n["which"]) ReadWhich(w, f.which, f.index);
    if (auto v = n["thread"]) {
      f.thread = Str(v);
      if (f.thread.empty() || f.thread.size() > 15)
        Fail(v,
             "thread is a thread-name prefix of 1 to 15 bytes (Linux "
             "thread names are at most 15)");
    }
    if (auto v = n["fork"]) {
      if (Str(v) != "reset" && Str(v) != "inherit")
        Fail(v,
             "fork is 'reset' (a forked child counts from 0) or "
             "'inherit' (it goes on from its parent's count)");
      f.fork = Str(v) == "inherit" ? inject::ForkMode::kInherit
                                   : inject::ForkMode::kReset;
    }
    if (auto v = n["bytes"]) {
      if (f.kind != "heap_overwrite")
        Fail(v, "bytes applies to heap_overwrite only");
      f.bytes = Int(v, 1, 4096, "bytes");
    }
    const YAML::Node t = Required(n, "trigger", "a raised fault");
    Map(t, "the trigger", {"call", "after_calls", "random_calls", "after_ms"});
    if (auto v = t["call"]) {
      std::vector<std::string> names;
      for (int c = 1; c < int(inject::Call::kCount); ++c) {
        names.push_back(inject::CallName(inject::Call(c)));
        if (Str(v) == names.back()) f.call = inject::Call(c);
      }
      if (f.call == inject::Call::kAny)
        Fail(v, absl::StrCat(
                    "unknown call '", Str(v),
                    "'; the injector counts: ", absl::StrJoin(names, ", ")));
    }
    if (t["after_calls"] && t["random_calls"])
      Fail(t, "a trigger has after_calls or random_calls, not both");
    if (auto v = t["after_calls"])
      f.after_calls = Int(v, 1, 1000000000, "after_calls");
    if (auto v = t["random_calls"])
      f.random_calls = Int(v, 1, 1000000000, "random_calls");
    if (auto v = t["after_ms"]) {
      f.after_ms = Int(v, 0, 600000, "after_ms");
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
    const std::string s = Str(n);
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
        const std::string role = Str(kv.first);
        if (std::none_of(p->roles.begin(), p->roles.end(),
                         [&](const RoleRule& r) { return r.name == role; }))
          Fail(kv.first, absl::StrCat("no role named '", role, "'"));
        x.roles[role] = Facts(kv.second);
      }
    }
    if (auto v = e["probes"]) {
      if (!v.IsMap()) Fail(v, "expected 'probes' as a mapping");
      for (const auto& kv : v) {
        const std::string name = Str(kv.first);
        if (std::none_of(p->probes.begin(), p->probes.end(),
                         [&](const Probe& pr) { return pr.name == name; }))
          Fail(kv.first, absl::StrCat("no probe named '", name, "'"));
        Map(kv.second, "a probe expectation",
            {"never_failed", "passing_within_ms", "passing_at_end"});
        ProbeExpect pe;
        if (auto b = kv.second["never_failed"])
          pe.never_failed = Bool(b, "never_failed");
        if (auto b = kv.second["passing_within_ms"])
          pe.passing_within_ms = Int(b, 0, 600000, "passing_within_ms");
        if (auto b = kv.second["passing_at_end"])
          pe.passing_at_end = Bool(b, "passing_at_end");
        x.probes[name] = pe;
      }
    }
    if (auto v = e["clients"]) {
      if (!v.IsMap()) Fail(v, "expected 'clients' as a mapping");
      for (const auto& kv : v) {
        const std::string name = Str(kv.first);
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
      const std::string f = Str(k);
      if (std::find(kFacts.begin(), kFacts.end(), f) == kFacts.end()) {
        std::string near = NearestName(f, kFacts);
        Fail(k, absl::StrCat("unknown role fact '", f, "'",
                             near.empty() ? "; expected one of: " +
                                                absl::StrJoin(kFacts, ", ")
                                          : "; did you mean '" + near + "'?"));
      }
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
  } catch (const Error& e) {
    return absl::InvalidArgumentError(absl::StrCat(file, ":", e.mark.line + 1,
                                                   ":", e.mark.column + 1,
                                                   ": error: ", e.message));
  }
}

}  // namespace faultlab::program
