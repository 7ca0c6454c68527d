// A program scenario's model: a real program as the subject (argv, env,
// cwd, a readiness condition), the rules that name its processes' roles,
// the probes and clients that watch the service, one fault sent into it and
// what to expect. Built only by the program loader; plain data afterwards.
// Strings may hold ${port}, ${port2}, ${tmp}, ${bin} and ${scenario_dir},
// replaced per trial (see ExpandVars).
#ifndef FAULTLAB_HARNESS_PROGRAM_PROGRAM_SPEC_H_
#define FAULTLAB_HARNESS_PROGRAM_PROGRAM_SPEC_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "workers/inject/inject_board.h"

namespace faultlab::program {

enum class ReadyKind { kNone, kTcp, kHttp, kLine, kFile };

struct Readiness {
  ReadyKind kind = ReadyKind::kNone;
  std::string target;  // host:port, URL, the text of the line, or a path
  bool line_on_stderr = false;  // kLine: look on stderr instead of stdout
  uint32_t timeout_ms = 5000;
};

// A process gets the first role whose every given field matches it.
struct RoleRule {
  std::string name;
  std::string comm;       // exact /proc/<pid>/comm, "" = any
  std::string argv;       // substring of the command line, "" = any
  std::string parent;     // the parent's role; "none" = the launched one
  bool launched = false;  // parent: none (the process faultlab started)
};

// A listening socket faultlab opens and hands to the program at descriptor
// 3 + its index, the way systemd's socket activation does
// (harness/program/socket_activation.h).
struct ListenSocket {
  std::string name;     // its LISTEN_FDNAMES entry
  std::string address;  // 127.0.0.1:PORT, ${port} expanded per trial
};

// A file written to ${tmp}/name before the program starts: the template
// at `source` with ${port}, ${tmp}, ... filled in (trial_files.h).
struct TrialFile {
  std::string name;    // relative to ${tmp}, no ".."
  std::string source;  // the template's path, absolute or ${scenario_dir}/...
};

enum class ProbeKind { kTcp, kHttp, kCommand };

struct Probe {
  std::string name;
  ProbeKind kind = ProbeKind::kTcp;
  std::string target;  // host:port, URL, or a shell command
  uint32_t interval_ms = 50;
  uint32_t timeout_ms = 500;
};

enum class ClientKind { kTcp, kHttp };

struct Client {
  std::string name;
  ClientKind kind = ClientKind::kTcp;
  std::string target;  // host:port or URL
  uint32_t sessions = 4;
  uint32_t rate = 50;             // requests per second, per session
  std::string send = "PING\r\n";  // tcp: one request
  std::string reply;              // tcp: the reply starts with this ("": any)
  uint32_t timeout_ms = 1000;
};

enum class Which { kFirst, kIndex, kRandom, kAll };
// How a fault's process is chosen, as reports name it: "worker (first)",
// "worker #2".
std::string TargetText(const std::string& role, Which which, int index);
enum class ProgramTrigger { kAfterMs, kAfterRequests, kAfterProbe };

struct SignalFault {
  bool present = false;
  int signo = 0;     // SIGSEGV, SIGABRT, SIGKILL, SIGTERM, SIGSTOP
  std::string role;  // the target role
  Which which = Which::kFirst;
  uint32_t index = 0;  // kIndex
  ProgramTrigger trigger = ProgramTrigger::kAfterMs;
  uint64_t trigger_value = 0;    // ms from ready, or requests
  std::string trigger_probe;     // kAfterProbe: fires when it first passes
  uint32_t resume_after_ms = 0;  // SIGSTOP: SIGCONT this long after
};

// A fault raised from inside the program by the injector library faultlab
// preloads (workers/inject/): in a process of `role` chosen by `which`, by
// a thread whose name starts with `thread` (any thread if empty), at the
// `after_calls`-th counted `call` and/or `after_ms` from ready. Exclusive
// with a signal fault.
struct RaisedFault {
  bool present = false;
  std::string kind, variant;  // as written: segfault/null_write, hang/busy
  inject::Action action = inject::Action::kNullWrite;
  std::string role;
  Which which = Which::kFirst;
  uint32_t index = 0;  // kIndex
  std::string thread;  // thread-name prefix, at most 15 bytes
  inject::Call call = inject::Call::kAny;
  uint64_t after_calls = 0;   // 0: no count
  uint64_t random_calls = 0;  // > 0: after_calls drawn in [1, this]
  uint64_t after_ms = 0;
  inject::ForkMode fork = inject::ForkMode::kReset;
  uint32_t bytes = 64;  // heap_overwrite
};

// Facts about a role, each checked when given.
struct RoleExpect {
  std::map<std::string, bool> facts;  // crashed, exited, survived, respawned
};

struct ProbeExpect {
  std::optional<bool> never_failed;
  std::optional<uint32_t> passing_within_ms;  // of the fault, and after
  std::optional<bool> passing_at_end;
};

struct Compare {
  std::string op;  // "==", ">", ">=", "<", "<="
  int64_t value = 0;
};

struct ClientExpect {
  std::optional<bool> no_session_lost;
  std::optional<bool> every_session_lost;
  std::optional<Compare> lost;
};

struct ProgramExpect {
  std::map<std::string, RoleExpect> roles;
  std::map<std::string, ProbeExpect> probes;
  std::map<std::string, ClientExpect> clients;
  std::optional<Compare> recovery_ms;  // fault -> probes steady again
  std::optional<Compare> respawn_ms;   // fault -> the target's replacement
};

struct ProgramSpec {
  std::vector<std::string> argv;
  std::map<std::string, std::string> env;
  std::string cwd;
  Readiness ready;
  std::vector<RoleRule> roles;
  std::vector<ListenSocket> listen;  // socket activation, in fd order
  std::vector<TrialFile> files;      // written to ${tmp} per trial
  std::vector<Probe> probes;
  std::vector<Client> clients;
  SignalFault fault;
  RaisedFault raised;
  std::optional<ProgramExpect> expect;
  std::string scenario_dir;  // the scenario file's directory, absolute
};

// The per-trial values of ${...} in a spec's strings.
struct TrialVars {
  std::vector<int> ports;  // ${port} = ports[0], ${port2} = ports[1]
  std::string tmp, bin, scenario_dir;
};
std::string ExpandVars(const std::string& s, const TrialVars& v);

bool CompareHolds(const Compare& c, double actual);
std::string CompareText(const Compare& c);
const char* SignalName(int signo);

}  // namespace faultlab::program

#endif  // FAULTLAB_HARNESS_PROGRAM_PROGRAM_SPEC_H_
