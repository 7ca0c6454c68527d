#include "harness/run_command.h"

#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "harness/classify.h"
#include "harness/expectations.h"
#include "harness/host_check.h"
#include "harness/kept_subjects.h"
#include "harness/launcher.h"
#include "harness/merge.h"
#include "harness/output_files.h"
#include "harness/program/program_result.h"
#include "harness/program/program_spec.h"
#include "harness/program/program_trial.h"
#include "harness/progress.h"
#include "harness/report_input.h"
#include "harness/result.h"
#include "harness/result_stream.h"
#include "harness/scenario_inputs.h"
#include "harness/scenario_loader.h"
#include "harness/trial_pool.h"
#include "harness/trial_runner.h"
#include "harness/verdict.h"
#include "reports/console_report.h"
#include "reports/html_report.h"
#include "reports/junit_report.h"

#ifndef FAULTLAB_SOURCE_DIR
#define FAULTLAB_SOURCE_DIR ""
#endif

namespace faultlab {
namespace {

std::string NowIso() {
  time_t t = time(nullptr);
  tm u;
  gmtime_r(&t, &u);
  char buf[32];
  strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &u);
  return buf;
}

std::string OutPath(const RunOptions& o, const std::string& explicit_path,
                    const char* name) {
  if (!explicit_path.empty()) return explicit_path;
  if (!o.out_dir.empty()) return o.out_dir + "/" + name;
  return "";
}

// The run's output files: JSON and JUnit written as trials finish (a
// ResultStream, only when one is asked for), the HTML once at the end.
class Outputs {
 public:
  explicit Outputs(const RunOptions& o)
      : json_(OutPath(o, o.json_path, "results.json")),
        junit_(OutPath(o, o.junit_path, "junit.xml")),
        html_(OutPath(o, o.html_path, "report.html")) {}

  // Before any trial: every output can be written (its directory exists
  // and is writable), so a bad path fails at once, not after the run; the
  // JSON and JUnit files then exist, well-formed, with no trial yet.
  bool Open(const RunResult& run) {
    absl::StatusOr<std::vector<std::string>> paths = PrepareOutputs(
        {{"--json", json_}, {"--junit", junit_}, {"--html", html_}});
    if (!paths.ok()) {
      std::cerr << "faultlab: " << paths.status().message() << "\n";
      return false;
    }
    json_ = (*paths)[0], junit_ = (*paths)[1], html_ = (*paths)[2];
    if (json_.empty() && junit_.empty()) return true;
    stream_ = ResultStream::Open(json_, junit_, run);
    return stream_ != nullptr;
  }

  // The trial just added to `run`, with its own checks. Costs nothing when
  // no file is asked for, and the same for the 1st and the 1000th trial.
  void Add(const RunResult& run, const std::vector<CheckResult>& checks) {
    if (stream_) stream_->Add(run, checks);
  }

  bool Finish(const RunResult& run) {
    if (!stream_ && html_.empty()) return true;
    nlohmann::json j = ToJson(run);
    bool ok = !stream_ || stream_->Finish(run, j);
    if (!html_.empty()) {
      bool html_ok = WriteFileAtomic(html_, reports::RenderHtml(j));
      if (html_ok) std::cerr << "faultlab: HTML report: " << html_ << "\n";
      ok &= html_ok;
    }
    return ok;
  }

 private:
  std::string json_, junit_, html_;
  std::unique_ptr<ResultStream> stream_;
};

// One trial to run: which scenario, placement and repetition, in the order
// results are reported.
ScenarioResult NewScenarioResult(const Scenario& s) {
  ScenarioResult r;
  r.name = s.name;
  r.file = s.file;
  r.description = s.description;
  if (s.program) {
    program::DescribeFault(*s.program, &r);
    return r;
  }
  for (const Fault& f : s.faults) {
    if (r.faults.size() <= size_t(f.entry))
      r.faults.push_back({f.target_text,
                          FaultKindName(f.kind),
                          FaultVariantName(f.variant),
                          TriggerText(f),
                          {}});
    r.faults.back().targets.push_back(s.workers[f.target].name);
  }
  return r;
}

PlacementResult NewPlacementResult(const Scenario& s,
                                   const PlacementSpec& spec) {
  PlacementResult r;
  r.placement = spec.name;
  for (const std::vector<int>& g : spec.groups) {
    r.groups.emplace_back();
    for (int w : g) r.groups.back().push_back(s.workers[w].name);
  }
  return r;
}

// --placement names that no scenario of the run has: a typo, not an empty
// run.
bool CheckPlacementNames(const RunOptions& opts,
                         const std::vector<Scenario>& scenarios) {
  bool ok = true;
  for (const std::string& want : opts.placements) {
    std::vector<std::string> have;
    for (const Scenario& s : scenarios)
      for (const PlacementSpec& p : s.placements)
        if (std::find(have.begin(), have.end(), p.name) == have.end())
          have.push_back(p.name);
    if (std::find(have.begin(), have.end(), want) != have.end()) continue;
    std::cerr << "faultlab: --placement " << want
              << ": no scenario has a placement of that name; they have: "
              << absl::StrJoin(have, ", ") << "\n";
    ok = false;
  }
  return ok;
}

// A -k pattern: a glob (fnmatch) when it holds * ? or [, else a substring.
bool MatchesAny(const std::vector<std::string>& patterns,
                const std::string& name) {
  for (const std::string& p : patterns) {
    if (p.find_first_of("*?[") != std::string::npos) {
      if (fnmatch(p.c_str(), name.c_str(), 0) == 0) return true;
    } else if (name.find(p) != std::string::npos) {
      return true;
    }
  }
  return false;
}

// --list: what would run, one line per placement, nothing spawned.
void ListTasks(const std::vector<Scenario>& scenarios,
               const std::vector<Task>& tasks) {
  for (size_t i = 0; i < tasks.size();) {
    size_t j = i;
    while (j < tasks.size() && tasks[j].scenario == tasks[i].scenario &&
           tasks[j].placement == tasks[i].placement)
      ++j;
    const Scenario& s = scenarios[tasks[i].scenario];
    std::cout << s.name << " [" << s.placements[tasks[i].placement].name
              << "]  " << (j - i) << " trial" << (j - i == 1 ? "" : "s")
              << ", seed" << (j - i == 1 ? " " : "s ") << tasks[i].seed;
    if (j - i > 1) std::cout << "-" << tasks[j - 1].seed;
    std::cout << "  " << s.file << "\n";
    i = j;
  }
  std::cout << tasks.size() << " trial(s) in " << scenarios.size()
            << " scenario(s)\n";
}

// Bazel's sharding protocol: the test says it shards by touching this file.
bool TouchFile(const std::string& path) {
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0 || futimens(fd, nullptr) != 0) {
    std::cerr << "faultlab: cannot touch the shard status file " << path
              << "\n";
    if (fd >= 0) close(fd);
    return false;
  }
  close(fd);
  return true;
}

// "segfault [thread]", the task after i, for the progress line.
std::string NextLabel(const std::vector<Scenario>& scenarios,
                      const std::vector<Task>& tasks, size_t i) {
  if (i + 1 >= tasks.size()) return "";
  const Task& t = tasks[i + 1];
  const Scenario& s = scenarios[t.scenario];
  return absl::StrCat(s.name, " [", s.placements[t.placement].name, "]");
}

// The end of a run: every placement that failed or erred, with its failing
// seeds and the command that reruns the first, so a long log ends with what
// to look at (also with -q).
void PrintRecap(const RunResult& run, bool color) {
  std::string out;
  for (const ScenarioResult& s : run.scenarios)
    for (const PlacementResult& p : s.placements) {
      if (p.passed && !p.error) continue;
      const std::string what = absl::StrCat(s.name, " [", p.placement, "]");
      if (p.error) {
        absl::StrAppend(&out, "  ", color ? "\x1b[1;31mERROR\x1b[0m" : "ERROR",
                        " ", what, ": harness error: ", *p.error, "\n");
        continue;
      }
      std::vector<std::string> seeds;
      for (uint64_t seed : p.summary.failing_seeds)
        seeds.push_back(absl::StrCat(seed));
      absl::StrAppend(&out, "  ", color ? "\x1b[1;31mFAIL\x1b[0m" : "FAIL",
                      "  ", what, "  ",
                      p.summary.trials - p.summary.passed_trials, "/",
                      p.summary.trials, " trials failed");
      if (!seeds.empty())
        absl::StrAppend(&out, ", seed", seeds.size() == 1 ? " " : "s ",
                        absl::StrJoin(seeds, ", "),
                        "\n    rerun: faultlab run ", s.file, " --placement ",
                        p.placement, " --seed ", seeds[0]);
      absl::StrAppend(&out, "\n");
    }
  if (!out.empty()) std::cout << "faultlab: not as expected:\n" << out;
}

// --keep-failed, after a trial's verdict: a failed trial's stopped subjects
// wait for a debugger (a line on stdin, the timeout, or Ctrl-C, which stops
// the run); a passed trial's are killed at once. Either way they are killed
// and reaped before the run goes on.
void HandleKept(const RunOptions& opts, TrialRunner* runner,
                const std::string& label, const TrialResult& t,
                TrialObservation* obs) {
  if (!obs->kept) {
    if (opts.keep_failed_s > 0 && !t.passed && !obs->program)
      std::cerr << "faultlab: --keep-failed: " << label
                << " failed, but none of its processes was alive at its end: "
                   "nothing to keep\n";
    return;
  }
  if (!t.passed) {
    std::string why;
    for (const CheckResult& c : t.checks)
      if (!c.passed)
        absl::StrAppend(
            &why, "  failed: ", c.check,
            c.actual.empty() ? "" : absl::StrCat(" (", c.actual, ")"), "\n");
    std::cerr << why;
    if (WaitForDebugger(*obs->kept, label, opts.keep_failed_s,
                        runner->signal_fd(), stderr) == KeepWait::kInterrupted)
      runner->stop_flag()->store(true);
  }
  const size_t n = obs->kept->processes().size();
  const int reaped = obs->kept->KillAndReap();
  if (!t.passed)
    std::cerr << "faultlab: --keep-failed: killed " << n
              << " kept process(es), " << reaped << " reaped\n";
  obs->kept.reset();
}

// How many trials of task i's placement this run has.
int PlannedTrials(const std::vector<Task>& tasks, size_t i) {
  int n = 0;
  for (const Task& t : tasks)
    n += t.scenario == tasks[i].scenario && t.placement == tasks[i].placement;
  return n;
}

// Whether the placement fails whatever its remaining trials show: a check
// has failed in more trials than its rate allows of `planned`.
bool CannotPass(const PlacementResult& p, int planned) {
  for (const PlacementCheck& c : p.expectations)
    if (c.trials - c.held > planned * (1 - c.required_rate) + 1e-9) return true;
  return false;
}

// A trial holds, at its peak, both ends of every channel (an shm ring one
// segment), a pidfd per subject, the scoreboard and the stderr memfd; the
// supervisor itself keeps 3-159 reserved and a few of its own. A run that
// cannot fit `jobs` such trials under RLIMIT_NOFILE is refused before it
// starts, naming the limit, instead of failing mid-run with EMFILE.
std::string CheckDescriptorBudget(const std::vector<Scenario>& scenarios,
                                  int jobs) {
  size_t peak = 0;
  for (const Scenario& s : scenarios)
    peak = std::max(peak, 2 * s.channels.size() + s.workers.size() + 8);
  const size_t need = 160 + 32 + size_t(std::max(1, jobs)) * peak;
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY ||
      rl.rlim_cur >= need)
    return "";
  return absl::StrCat("this run needs about ", need,
                      " file descriptors (--jobs ", jobs, " x up to ", peak,
                      " per trial, plus faultlab's own), but ulimit -n is ",
                      rl.rlim_cur, "; raise it or lower --jobs");
}

}  // namespace

int RunCommand(const RunOptions& opts) {
  std::vector<Scenario> scenarios;
  if (!LoadScenarios(opts.scenarios, opts.worker_exe, &scenarios)) return 2;
  if (!opts.filters.empty()) {
    std::vector<Scenario> kept;
    for (Scenario& s : scenarios)
      if (MatchesAny(opts.filters, s.name)) kept.push_back(std::move(s));
    if (kept.empty()) {
      std::cerr << "faultlab: no scenario name matches -k "
                << absl::StrJoin(opts.filters, " -k ") << "\n";
      return 2;
    }
    scenarios = std::move(kept);
  }
  if (!CheckPlacementNames(opts, scenarios)) return 2;

  // Every trial of the run, in the order results are reported.
  std::vector<Task> tasks;
  for (size_t si = 0; si < scenarios.size(); ++si) {
    const Scenario& s = scenarios[si];
    for (size_t pl = 0; pl < s.placements.size(); ++pl) {
      if (!opts.placements.empty() &&
          std::find(opts.placements.begin(), opts.placements.end(),
                    s.placements[pl].name) == opts.placements.end())
        continue;
      for (int rep = 0; rep < opts.repeat; ++rep)
        tasks.push_back({tasks.size(), si, pl, rep,
                         (opts.seed ? *opts.seed : s.seed) + rep});
    }
  }
  const int64_t planned = int64_t(tasks.size());
  if (opts.sharded) {
    // Trial granularity, round robin over the whole run's order: every
    // shard gets a share of every scenario, and the shards together are
    // exactly the unsharded run.
    std::vector<Task> mine;
    for (const Task& t : tasks)
      if (int(t.index % size_t(opts.shard_total)) == opts.shard_index)
        mine.push_back(t);
    tasks = std::move(mine);
    if (!opts.shard_status_file.empty() && !TouchFile(opts.shard_status_file))
      return 2;
  }
  if (opts.list) {
    ListTasks(scenarios, tasks);
    return 0;
  }

  if (std::string why = CheckDescriptorBudget(scenarios, opts.jobs);
      !why.empty()) {
    std::cerr << "faultlab: " << why << "\n";
    return 2;
  }
  const int signal_fd = SetUpSupervisorSignals();
  // Before any thread exists (the trial pool's): see StartForkServer.
  std::unique_ptr<Launcher> launcher = NewBoostLauncher();
  if (opts.launch == "fork-server") {
    absl::StatusOr<std::unique_ptr<Launcher>> server =
        StartForkServer(opts.worker_exe, std::move(launcher));
    if (!server.ok()) {
      std::cerr << "faultlab: cannot start the fork server: "
                << server.status().message() << "\n";
      return 2;
    }
    launcher = *std::move(server);
  }
  TrialRunner runner(
      launcher.get(),
      {.worker_exe = opts.worker_exe, .keep_stopped = opts.keep_failed_s > 0},
      signal_fd);
  Symbolizer symbolizer(
      {.source_dir = FAULTLAB_SOURCE_DIR, .main_exe = opts.worker_exe});
  // The worker's symbols are read while the first trial runs, not after
  // its crash (the fork server exists by now, so a thread may too). Joined
  // before the symbolizer goes.
  std::jthread preload([&symbolizer] { symbolizer.Preload(); });
  Outputs outputs(opts);
  RunResult run;
  run.started = NowIso();
  run.command = opts.command_line;
  run.seed_override = opts.seed;
  if (opts.sharded) run.shard = {opts.shard_index, opts.shard_total};
  run.trials_planned = planned;
  bool harness_error = false;
  size_t stopped_early = 0;  // trials --fail-fast left unrun
  // The files exist, well-formed, from the start; each finished trial is
  // added to them.
  if (!outputs.Open(run)) return 2;

  TrialPool pool(&runner, scenarios, tasks, opts.jobs,
                 std::filesystem::path(opts.worker_exe).parent_path().string());
  Progress progress(stderr, tasks.size(), opts.progress_tty, !opts.quiet);
  size_t printed = 0;  // scenarios whose table is out
  auto print_scenario = [&](const ScenarioResult& sr) {
    ++printed;
    progress.Clear();
    if (!opts.quiet && !sr.placements.empty())
      std::cout << reports::RenderConsole(ToJson(sr), {.color = opts.color,
                                                       .verbose = opts.verbose,
                                                       .width = opts.width})
                << std::flush;
    progress.ScenarioDone(sr.name);
  };
  PlacementTally tally;  // of the placement being run
  size_t reported_scenario = SIZE_MAX, reported_placement = SIZE_MAX;
  for (size_t i = 0; i < tasks.size(); ++i) {
    const Task& task = tasks[i];
    const Scenario& s = scenarios[task.scenario];
    std::optional<TrialPool::Obs> obs = pool.Take(i);
    if (!obs) break;  // interrupted before it started
    // Cut short by the interrupt: no verdict. Trials that finished before
    // it (ahead of this one, with --jobs) are still reported.
    if (obs->ok() && (*obs)->interrupted) continue;
    // The scenario and placement of the last trial reported (a trial left
    // out leaves a gap in the tasks, not in the results).
    if (run.scenarios.empty() || reported_scenario != task.scenario) {
      run.scenarios.push_back(NewScenarioResult(s));
      reported_scenario = task.scenario;
      reported_placement = SIZE_MAX;
    }
    ScenarioResult& sr = run.scenarios.back();
    const PlacementSpec& spec = s.placements[task.placement];
    if (reported_placement != task.placement) {
      sr.placements.push_back(NewPlacementResult(s, spec));
      reported_placement = task.placement;
      tally = PlacementTally();
    }
    PlacementResult& pr = sr.placements.back();
    if (!obs->ok()) {
      // Faultlab's own failure, never the subject's outcome: recorded as an
      // error of the placement (JUnit <error>), and the run stops.
      std::cerr << "faultlab: " << s.file
                << ": harness error: " << obs->status().message() << "\n";
      pr.error = std::string(obs->status().message());
      pr.passed = sr.passed = false;
      harness_error = true;
      pool.Stop();
      break;
    }
    // A Ctrl-C during a long digest stops it; that trial is then left out
    // (its verdict would be half made), every one before it is kept.
    bool cut = false;
    TrialResult t =
        s.program ? program::ClassifyProgram(s, *(*obs)->program, &symbolizer)
                  : Classify(s, **obs, &symbolizer,
                             [&] { return cut = runner.interrupted(); });
    if (cut) break;
    t.repetition = task.rep;
    t.run_index = int64_t(task.index);
    if (s.program) {
      t.checks = program::CheckProgramExpectation(s, t);
      if (!s.program->expect) {
        pr.no_expectations = true;
        t.checks.push_back({"expectations stated", !opts.strict,
                            "no expectations: nothing was checked but that "
                            "the program got ready and the fault fired"});
      }
    } else if (auto it = s.expect.find(spec.name); it != s.expect.end()) {
      t.checks = CheckExpectation(s, it->second, t);
    } else {
      // Nothing stated: the run says so, and still holds the fault to
      // firing (a fault that never fired showed nothing).
      pr.no_expectations = true;
      // Its name reads right either way: a tick for "none, and that is
      // allowed", a cross for "--strict wants some".
      t.checks.push_back(
          {opts.strict ? "expectations stated (--strict)"
                       : "no expectations stated (allowed without --strict)",
           !opts.strict,
           "no expectations: nothing was checked but that the fault fired"});
      if (CheckResult c = CheckFired(s, true, t); !c.check.empty())
        t.checks.push_back(std::move(c));
    }
    JudgeTrial(&t);
    pr.trials.push_back(std::move(t));
    tally.Add(pr.trials.back());
    JudgePlacement(tally, &pr);
    sr.passed = std::all_of(sr.placements.begin(), sr.placements.end(),
                            [](const PlacementResult& p) { return p.passed; });
    outputs.Add(run, pr.trials.back().checks);
    progress.Trial(!pr.trials.back().passed, NextLabel(scenarios, tasks, i));
    if (opts.keep_failed_s > 0) {
      progress.Clear();
      HandleKept(opts, &runner,
                 absl::StrCat(s.name, " [", spec.name, "] seed ", task.seed),
                 pr.trials.back(), &**obs);
      if (runner.interrupted()) break;
    }
    const bool doomed =
        opts.fail_fast && CannotPass(pr, PlannedTrials(tasks, i));
    if (doomed || i + 1 == tasks.size() ||
        tasks[i + 1].scenario != task.scenario)
      print_scenario(sr);
    if (doomed) {
      stopped_early = tasks.size() - i - 1;
      pool.Stop();
      break;
    }
  }
  // A scenario cut short by an interrupt or an error still shows what it ran.
  if (printed < run.scenarios.size()) print_scenario(run.scenarios.back());
  run.complete = !runner.interrupted() && !harness_error && !stopped_early;
  if (!outputs.Finish(run)) harness_error = true;
  progress.Clear();
  if (runner.interrupted()) {
    std::cerr << "faultlab: interrupted; every subject was killed and reaped\n";
    return 130;
  }
  if (harness_error) {
    PrintRecap(run, opts.color);
    return 2;
  }
  int passed = 0, failed = 0;
  for (const ScenarioResult& s : run.scenarios)
    for (const PlacementResult& p : s.placements)
      (p.passed ? passed : failed)++;
  std::cout << "faultlab: " << run.scenarios.size() << " scenario(s), "
            << passed << " placement(s) as expected, " << failed << " not\n";
  if (stopped_early)
    std::cout << "faultlab: --fail-fast: stopped at the first placement that "
                 "could no longer pass; "
              << stopped_early << " trial(s) not run\n";
  PrintRecap(run, opts.color);
  return run.passed() ? 0 : 1;
}

std::string ValidateLine(const Scenario& s) {
  if (s.program)
    return absl::StrCat(s.file, ": ok (program ", s.program->argv[0], ", ",
                        s.program->roles.size(), " roles, ",
                        s.program->probes.size(), " probes, ",
                        s.program->clients.size(), " clients)\n");
  std::vector<std::string> faults;
  for (const Fault& x : s.faults)
    faults.push_back(
        absl::StrCat(FaultKindName(x.kind), " in ", s.workers[x.target].name));
  std::string line = absl::StrCat(
      s.file, ": ok (", s.workers.size(), " workers, ", s.channels.size(),
      " channels, ",
      faults.empty() ? "no fault"
                     : absl::StrCat(faults.size() == 1 ? "fault " : "faults ",
                                    absl::StrJoin(faults, ", ")),
      ", placements");
  for (const PlacementSpec& p : s.placements)
    absl::StrAppend(&line, " ", p.name);
  return line + ")\n";
}

int ValidateCommand(const std::vector<std::string>& inputs,
                    const std::string& worker_exe) {
  std::vector<Scenario> scenarios;
  int rc = LoadScenarios(inputs, worker_exe, &scenarios) ? 0 : 2;
  for (const Scenario& s : scenarios) std::cout << ValidateLine(s);
  return rc;
}

int ReportCommand(const std::vector<std::string>& json_paths,
                  const std::string& html_path, const std::string& junit_path,
                  const std::string& out_json) {
  if (absl::StatusOr<std::vector<std::string>> paths =
          PrepareOutputs({{"--html", html_path},
                          {"--junit", junit_path},
                          {"--json", out_json}});
      !paths.ok()) {
    std::cerr << "faultlab: " << paths.status().message() << "\n";
    return 2;
  }
  std::vector<nlohmann::json> docs;
  for (const std::string& path : json_paths) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      std::cerr << path << ": error: cannot open\n";
      return 2;
    }
    std::ostringstream text;
    text << in.rdbuf();  // an empty file reads as "", refused below
    absl::StatusOr<nlohmann::json> doc = ParseResultDocument(text.str(), path);
    if (!doc.ok()) {
      std::cerr << doc.status().message() << "\n";
      return 2;
    }
    docs.push_back(*std::move(doc));
  }
  const size_t inputs = docs.size();
  absl::StatusOr<nlohmann::json> j =
      CombineResults(std::move(docs), json_paths);
  if (!j.ok()) {
    std::cerr << j.status().message() << "\n";
    return 2;
  }
  absl::StatusOr<RenderedReport> out = RenderReport(
      *j,
      {.json = !out_json.empty(),
       .html = !html_path.empty(),
       .junit = !junit_path.empty(),
       .console = html_path.empty() && junit_path.empty() && out_json.empty()},
      json_paths[0]);
  if (!out.ok()) {
    std::cerr << out.status().message() << "\n";
    return 2;
  }
  if (!out_json.empty() && !WriteFileAtomic(out_json, out->json)) return 2;
  if (!html_path.empty() && !WriteFileAtomic(html_path, out->html)) return 2;
  if (!junit_path.empty() && !WriteFileAtomic(junit_path, out->junit)) return 2;
  std::cout << out->console;
  // A merge exits as the unsharded run would have: 1 when a verdict failed.
  const auto passed = j->find("passed");
  if (inputs > 1 && !(passed != j->end() && *passed == true)) return 1;
  return 0;
}

}  // namespace faultlab
