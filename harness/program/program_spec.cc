#include "harness/program/program_spec.h"

#include <signal.h>
#include <string.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"

namespace faultlab::program {

std::string ExpandVars(const std::string& s, const TrialVars& v) {
  if (s.find("${") == std::string::npos) return s;
  std::vector<std::pair<std::string, std::string>> subs = {
      {"${tmp}", v.tmp},
      {"${bin}", v.bin},
      {"${scenario_dir}", v.scenario_dir}};
  for (size_t i = 0; i < v.ports.size(); ++i)
    subs.push_back({i == 0 ? "${port}" : absl::StrCat("${port", i + 1, "}"),
                    absl::StrCat(v.ports[i])});
  return absl::StrReplaceAll(s, subs);
}

bool CompareHolds(const Compare& c, double a) {
  const double b = double(c.value);
  if (c.op == ">") return a > b;
  if (c.op == ">=") return a >= b;
  if (c.op == "<") return a < b;
  if (c.op == "<=") return a <= b;
  return a == b;
}

std::string CompareText(const Compare& c) {
  return c.op == "==" ? absl::StrCat(c.value)
                      : absl::StrCat(c.op, " ", c.value);
}

std::string TargetText(const std::string& role, Which which, int index) {
  switch (which) {
    case Which::kFirst:
      return absl::StrCat(role, " (first)");
    case Which::kAll:
      return absl::StrCat(role, " (all)");
    case Which::kRandom:
      return absl::StrCat(role, " (random)");
    case Which::kIndex:
      break;
  }
  return absl::StrCat(role, " #", index);
}

const char* SignalName(int signo) {
  switch (signo) {
    case SIGSEGV:
      return "SIGSEGV";
    case SIGABRT:
      return "SIGABRT";
    case SIGKILL:
      return "SIGKILL";
    case SIGTERM:
      return "SIGTERM";
    case SIGSTOP:
      return "SIGSTOP";
    case SIGCONT:
      return "SIGCONT";
    case SIGBUS:
      return "SIGBUS";
    case SIGINT:
      return "SIGINT";
    case SIGHUP:
      return "SIGHUP";
    case SIGILL:
      return "SIGILL";
    case SIGFPE:
      return "SIGFPE";
    case SIGPIPE:
      return "SIGPIPE";
    case SIGTRAP:
      return "SIGTRAP";
    case SIGQUIT:
      return "SIGQUIT";
    case SIGSYS:
      return "SIGSYS";
    default:
      return sigabbrev_np(signo) ? sigabbrev_np(signo) : "SIG?";
  }
}

}  // namespace faultlab::program
