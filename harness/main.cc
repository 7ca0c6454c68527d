// faultlab: the supervisor's command line. It never runs worker code.
#include <limits.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdlib>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "harness/launcher.h"
#include "harness/result.h"
#include "harness/run_command.h"

namespace {

std::string DefaultWorkerExe() {
  if (const char* env = std::getenv("FAULTLAB_WORKER")) return env;
  char buf[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return "faultlab-worker";
  std::string self(buf, n);
  return self.substr(0, self.rfind('/') + 1) + "faultlab-worker";
}

bool Set(const char* var) {
  const char* v = std::getenv(var);
  return v && *v;
}

bool Dumb() {
  const char* term = std::getenv("TERM");
  return term && std::string(term) == "dumb";
}

// --color=auto follows the conventions of no-color.org and force-color.org:
// NO_COLOR (non-empty) turns colour off, FORCE_COLOR (non-empty, not 0) on
// even without a terminal; NO_COLOR wins when both are set. An explicit
// always/never overrides both.
bool UseColor(const std::string& when) {
  if (when == "always") return true;
  if (when == "never") return false;
  if (Set("NO_COLOR")) return false;
  if (Set("FORCE_COLOR") && std::string(std::getenv("FORCE_COLOR")) != "0")
    return true;
  return isatty(1) && !Dumb();
}

// The terminal's columns when stdout is one (else COLUMNS, else no limit).
size_t TerminalWidth() {
  winsize ws{};
  if (isatty(1) && ioctl(1, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
    return ws.ws_col;
  if (const char* c = std::getenv("COLUMNS")) {
    long n = std::strtol(c, nullptr, 10);
    if (n > 0 && n < 100000) return size_t(n);
  }
  return 0;
}

// A count from `text` in [lo, hi], or -1.
long Count(const std::string& text, long lo, long hi) {
  char* end = nullptr;
  errno = 0;
  long v = text.empty() ? -1 : std::strtol(text.c_str(), &end, 10);
  if (text.empty() || *end || errno || v < lo || v > hi) return -1;
  return v;
}

// --shard K/N, else the sharding environment of Bazel (TEST_*, which also
// names a status file to touch) or of GoogleTest (GTEST_*). "" or an error.
std::string SetShard(const std::string& flag, faultlab::RunOptions* run) {
  if (!flag.empty()) {
    size_t slash = flag.find('/');
    long n = slash == std::string::npos
                 ? -1
                 : Count(flag.substr(slash + 1), 1, 1000000);
    long k = n < 0 ? -1 : Count(flag.substr(0, slash), 1, n);
    if (k < 0)
      return absl::StrCat("--shard ", flag,
                          ": expected K/N with 1 <= K <= N, e.g. 1/4");
    run->sharded = true;
    run->shard_index = int(k - 1);
    run->shard_total = int(n);
    return "";
  }
  for (const char* prefix : {"TEST_", "GTEST_"}) {
    std::string total_var = absl::StrCat(prefix, "TOTAL_SHARDS");
    std::string index_var = absl::StrCat(prefix, "SHARD_INDEX");
    const char* total = std::getenv(total_var.c_str());
    const char* index = std::getenv(index_var.c_str());
    if (!total && !index) continue;
    long n = total ? Count(total, 1, 1000000) : -1;
    long k = index && n > 0 ? Count(index, 0, n - 1) : -1;
    if (n < 0 || k < 0)
      return absl::StrCat(total_var, "=", total ? total : "(unset)", " ",
                          index_var, "=", index ? index : "(unset)",
                          ": expected 0 <= index < total");
    run->sharded = true;
    run->shard_index = int(k);
    run->shard_total = int(n);
    if (std::string(prefix) == "TEST_")
      if (const char* status = std::getenv("TEST_SHARD_STATUS_FILE"))
        run->shard_status_file = status;
    return "";
  }
  return "";
}

void ExitInterrupted(int) { _exit(130); }

}  // namespace

int main(int argc, char** argv) {
  // Before any other descriptor is opened: see ReserveLowDescriptors().
  faultlab::ReserveLowDescriptors();
  // A closed stdout (`faultlab run ... | head`) must not kill the
  // supervisor mid-run; subjects get the default action back at spawn.
  signal(SIGPIPE, SIG_IGN);
  // Past `ulimit -f` a write fails with EFBIG (and says so) instead of the
  // supervisor dying of SIGXFSZ with a half-written file.
  signal(SIGXFSZ, SIG_IGN);
  // Until the run takes these signals through its signalfd (loading,
  // validating, rendering), an interrupt ends faultlab at once with 130;
  // nothing is running yet that would need cleaning up.
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) signal(sig, ExitInterrupted);
  CLI::App app{"faultlab: fault-isolation and crash-resilience test harness"};
  app.require_subcommand(1);
  app.set_version_flag("--version",
                       std::string("faultlab ") + faultlab::kFaultlabVersion);
  app.footer(
      "Exit status:\n"
      "  0    every expectation met (run), every file valid (validate)\n"
      "  1    an expectation failed\n"
      "  2    bad input (usage, a scenario file, a duplicate name, no match "
      "for -k) or a harness error\n"
      "  130  interrupted (Ctrl-C or SIGTERM); every subject was killed and "
      "reaped");

  faultlab::RunOptions run;
  std::string placement;
  std::string seed;
  auto* run_cmd =
      app.add_subcommand("run", "run scenarios and check their expectations");
  run_cmd
      ->add_option("scenario", run.scenarios,
                   "scenario files, or directories (their *.yaml)")
      ->required();
  run_cmd->add_option("-k,--filter", run.filters,
                      "run only scenarios whose name matches: a glob (*, ?, "
                      "[...]) or a substring; repeatable, any may match");
  run_cmd->add_flag("--list", run.list,
                    "print the scenarios, placements and trials that would "
                    "run, and run nothing");
  run_cmd->add_flag("--fail-fast", run.fail_fast,
                    "stop once a placement can no longer pass");
  std::string shard;
  run_cmd->add_option(
      "--shard", shard,
      "run only shard K of N (1-based, e.g. 2/4): every Nth trial of the "
      "whole run; without it, TEST_TOTAL_SHARDS/TEST_SHARD_INDEX (Bazel) or "
      "GTEST_TOTAL_SHARDS/GTEST_SHARD_INDEX (0-based) are obeyed");
  run_cmd->add_option("--placement", placement,
                      "thread, process, both, or placement names the "
                      "scenarios give, comma-separated (default: every "
                      "placement each scenario lists)");
  run_cmd
      ->add_option("--repeat", run.repeat,
                   "trials per placement (seeds S, S+1, ...)")
      ->check(CLI::Range(1, 10000));
  run_cmd
      ->add_option("-j,--jobs", run.jobs,
                   "trials run at once (default 1; more shortens a run but "
                   "shares the CPUs between trials)")
      ->check(CLI::Range(1, 64));
  auto* seed_opt =
      run_cmd->add_option("--seed", seed, "override every scenario's seed")
          ->check(CLI::Validator(
              [](std::string& v) -> std::string {
                char* end = nullptr;
                errno = 0;
                long long x = std::strtoll(v.c_str(), &end, 10);
                if (v.empty() || *end || errno || x < 0)
                  return "expected an integer from 0 to 9223372036854775807";
                return "";
              },
              "SEED"));
  run_cmd->add_option("--json", run.json_path, "write the result JSON here");
  run_cmd->add_option("--junit", run.junit_path, "write JUnit XML here");
  run_cmd->add_option("--html", run.html_path, "write the HTML report here");
  run_cmd
      ->add_option("--out", run.out_dir,
                   "directory for results.json, junit.xml and report.html")
      ->check(CLI::ExistingDirectory);
  run_cmd
      ->add_option("--launch", run.launch,
                   "how subjects start: fork-server (forked from one "
                   "pre-started worker host, the default) or exec (fork + "
                   "exec per subject)")
      ->check(CLI::IsMember({"fork-server", "exec"}));
  std::string color = "auto";
  run_cmd
      ->add_flag("--color{always}", color,
                 "colour the console: auto (a terminal, unless NO_COLOR is "
                 "set or FORCE_COLOR asks for it anyway), always, never; "
                 "--color alone is always")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  run_cmd->add_flag("-q,--quiet", run.quiet, "print only the summary line");
  run_cmd->add_flag("--strict", run.strict,
                    "fail a placement the scenario states no expectation for");
  run_cmd
      ->add_flag("--keep-failed{300}", run.keep_failed_s,
                 "leave a failed or hung trial's live processes stopped "
                 "(SIGSTOP) instead of killed, print a gdb -p command for "
                 "each, and wait for Enter (a line on stdin) or SECONDS "
                 "(default 300) before killing them as always; "
                 "--keep-failed=SECONDS")
      ->check(CLI::Range(1, 86400));
  run_cmd->add_flag("-v,--verbose", run.verbose,
                    "with --repeat, print every trial, not only failing ones");

  std::vector<std::string> validate_files;
  auto* validate_cmd =
      app.add_subcommand("validate", "check scenario files, run nothing");
  validate_cmd
      ->add_option("scenario", validate_files,
                   "scenario files, or directories (their *.yaml)")
      ->required();

  auto* list_cmd = app.add_subcommand(
      "list", "list channels, faults, roles, policies, outcomes");

  std::vector<std::string> report_inputs;
  std::string report_html, report_junit, report_json;
  auto* report_cmd = app.add_subcommand(
      "report",
      "re-render a result JSON, or merge the shards of one run into one");
  report_cmd
      ->add_option("results", report_inputs,
                   "result JSON from run --json; several: the shards of one "
                   "run, merged")
      ->required();
  report_cmd->add_option("--json", report_json,
                         "write the (merged) result JSON here");
  report_cmd->add_option("--html", report_html, "write the HTML report here");
  report_cmd->add_option("--junit", report_junit, "write JUnit XML here");

  auto* bench_cmd = app.add_subcommand(
      "bench", "measure what isolation costs here (runs faultlab-bench)");
  bench_cmd
      ->prefix_command();  // everything after `bench` goes to faultlab-bench

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  if (*run_cmd) {
    std::vector<std::string> names = absl::StrSplit(placement, ',');
    for (const std::string& name : names) {
      if (name == "both")
        run.placements.insert(run.placements.end(), {"thread", "process"});
      else if (!name.empty())
        run.placements.push_back(name);
    }
    if (std::string err = SetShard(shard, &run); !err.empty()) {
      std::cerr << "faultlab: " << err << "\n";
      return 2;
    }
    if (*seed_opt) run.seed = std::strtoull(seed.c_str(), nullptr, 10);
    run.worker_exe = DefaultWorkerExe();
    run.command_line = "faultlab";
    for (int i = 1; i < argc; ++i)
      absl::StrAppend(&run.command_line, " ", argv[i]);
    run.color = UseColor(color);
    run.progress_tty = isatty(2) && !Dumb();
    run.width = TerminalWidth();
    return faultlab::RunCommand(run);
  }
  if (*bench_cmd) {
    std::string exe = DefaultWorkerExe();
    exe = exe.substr(0, exe.rfind('/') + 1) + "faultlab-bench";
    std::vector<std::string> args = bench_cmd->remaining();
    std::vector<char*> argv2{exe.data()};
    for (std::string& a : args) argv2.push_back(a.data());
    argv2.push_back(nullptr);
    execv(exe.c_str(), argv2.data());
    std::cerr << "faultlab: cannot run " << exe << "\n";
    return 2;
  }
  if (*validate_cmd)
    return faultlab::ValidateCommand(validate_files, DefaultWorkerExe());
  if (*list_cmd) return faultlab::ListCommand();
  if (*report_cmd)
    return faultlab::ReportCommand(report_inputs, report_html, report_junit,
                                   report_json);
  return 2;
}
