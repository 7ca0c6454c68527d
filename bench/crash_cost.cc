// faultlab-bench crash: one isolated crash trial (one worker that segfaults
// at once, classified with full evidence: crash record, symbolised stack)
// against what else does the same job, all measured in one interleaved run
// so that load from elsewhere hits every method alike:
//
//   bare       fork -> NULL write -> waitpid, from faultlab-bench-probe (a
//              small static process)
//   gtest      EXPECT_DEATH, fast and threadsafe styles (faultlab-bench-death)
//   faultlab   TrialRunner::Run + Classify, thread and process placement,
//              subjects from the fork server (and, for reference, by exec)
//
// It also prints the cost per trial of a whole `faultlab run` at two run
// lengths, crash -> supervisor-knows latency against a pidfd floor, and
// what each extra worker process costs in process placement.
#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "bench/bench_util.h"
#include "harness/classify.h"
#include "harness/launcher.h"
#include "harness/run_command.h"
#include "harness/scenario_loader.h"
#include "harness/symbolizer.h"
#include "harness/trial_runner.h"

extern char** environ;

namespace faultlab::bench {
namespace {

constexpr char kCrash[] = R"(name: bench_crash
deadline_ms: 5000
workers:
  - {role: idle, interval_us: 1000}
fault:
  target: idle[0]
  kind: segfault
  variant: null_write
  trigger: {after_ms: 0}
expect:
  thread: {target: crashed}
  process: {target: crashed}
)";

std::string IdleWorkers(int k) {
  return absl::StrCat("name: bench_idle_", k,
                      "\ndeadline_ms: 5000\nworkers:\n"
                      "  - {role: idle, interval_us: 0, count: ",
                      k, "}\n");
}

double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// A child with stdin/stdout on pipes; -1 fds when it could not start.
struct Child {
  pid_t pid = -1;
  FILE* in = nullptr;   // its stdin
  FILE* out = nullptr;  // its stdout
};

Child Start(const std::string& exe, std::vector<std::string> args,
            std::vector<std::string> env = {}) {
  Child c;
  int to[2], from[2];
  if (pipe2(to, O_CLOEXEC) != 0 || pipe2(from, O_CLOEXEC) != 0) return c;
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, to[0], 0);
  posix_spawn_file_actions_adddup2(&fa, from[1], 1);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  args.insert(args.begin(), exe);
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  for (char** e = environ; *e; ++e) env.push_back(*e);
  std::vector<char*> envp;
  for (std::string& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  if (posix_spawn(&c.pid, exe.c_str(), &fa, nullptr, argv.data(),
                  envp.data()) != 0)
    c.pid = -1;
  posix_spawn_file_actions_destroy(&fa);
  close(to[0]);
  close(from[1]);
  c.in = fdopen(to[1], "w");
  c.out = fdopen(from[0], "r");
  return c;
}

void Stop(Child& c) {
  if (c.in) fclose(c.in);
  if (c.out) fclose(c.out);
  if (c.pid > 0) waitpid(c.pid, nullptr, 0);
  c = {};
}

// `n` figures from the probe's `cmd`.
void Probe(Child& probe, const char* cmd, int n, std::vector<double>* into) {
  std::fprintf(probe.in, "%s %d\n", cmd, n);
  std::fflush(probe.in);
  for (int i = 0; i < n; ++i) {
    unsigned long long ns = 0;
    if (std::fscanf(probe.out, "%llu", &ns) != 1) return;
    if (ns) into->push_back(double(ns));
  }
}

// `n` death tests in gtest's `style`, each one's time.
void Death(const std::string& exe, const char* style, int n,
           std::vector<double>* into) {
  Child c = Start(exe, {absl::StrCat("--gtest_death_test_style=", style)},
                  {absl::StrCat("FAULTLAB_DEATH_N=", n)});
  if (c.pid < 0) return;
  fclose(c.in);
  c.in = nullptr;
  char line[128];
  while (std::fgets(line, sizeof line, c.out))
    if (!std::strncmp(line, "ns ", 3)) into->push_back(std::atof(line + 3));
  Stop(c);
}

// One trial, as `faultlab run` runs it: plan, run, classify (symbolised).
struct TrialBench {
  TrialBench(const std::string& yaml, const char* placement, Launcher* launcher,
             const char* exe, Symbolizer* sym)
      : s(*LoadScenarioText(yaml, "bench")),
        pl(*s.FindPlacement(placement)),
        runner(launcher, {.worker_exe = exe}, -1),
        sym(sym) {}
  // Wall time of one trial; its crash -> supervisor-knows latency into
  // *latency, crash -> reaped into *reaped.
  double Once(uint64_t seed, std::vector<double>* latency = nullptr,
              std::vector<double>* reaped = nullptr) {
    uint64_t t0 = NowNs();
    absl::StatusOr<TrialObservation> obs = runner.Run(s, MakePlan(s, pl, seed));
    if (!obs.ok()) return -1;
    TrialResult t = Classify(s, *obs, sym);
    double ns = double(NowNs() - t0);
    if (latency && t.detection_latency_ms)
      latency->push_back(*t.detection_latency_ms * 1e6);
    for (const ProcessResult& p : t.processes)
      if (reaped && p.signal && p.died_ms && p.detected_ms)
        reaped->push_back((*p.detected_ms - *p.died_ms) * 1e6);
    return ns;
  }
  Scenario s;
  PlacementSpec pl;
  TrialRunner runner;
  Symbolizer* sym;
};

// A whole `faultlab run --repeat n --placement thread` of `file`, the real
// binary in a process of its own, with JSON and JUnit written as trials
// finish: its wall time, and the CPU time of the run and every process it
// waited for (fork server, subjects), which load from elsewhere hardly moves.
struct RunCost {
  double wall_ns = 0, cpu_ns = 0;
};

RunCost RunOnce(const std::string& faultlab, const std::string& file, int n,
                const std::string& dir) {
  uint64_t t0 = NowNs();
  Child c =
      Start(faultlab, {"run", file, "-q", "--placement", "thread", "--repeat",
                       absl::StrCat(n), "--json", dir + "/results.json",
                       "--junit", dir + "/junit.xml"});
  if (c.pid < 0) return {};
  fclose(c.in);
  fclose(c.out);
  rusage ru{};
  wait4(c.pid, nullptr, 0, &ru);
  auto ns = [](const timeval& tv) {
    return double(tv.tv_sec) * 1e9 + double(tv.tv_usec) * 1e3;
  };
  return {double(NowNs() - t0), ns(ru.ru_utime) + ns(ru.ru_stime)};
}

}  // namespace

int CrashMain(int n, const char* worker_exe, const std::string& bin_dir) {
  ReserveLowDescriptors();
  const int batch = 10, rounds = std::max(1, n / batch);
  std::printf(
      "faultlab bench: one crash trial, interleaved (%d rounds x %d; median "
      "per trial)\n",
      rounds, batch);
  Child probe = Start(bin_dir + "faultlab-bench-probe", {});
  const std::string death = bin_dir + "faultlab-bench-death";
  absl::StatusOr<std::unique_ptr<Launcher>> server =
      StartForkServer(worker_exe, NewBoostLauncher());
  if (!server.ok()) {
    std::fprintf(stderr, "fork server: %s\n",
                 std::string(server.status().message()).c_str());
    return 1;
  }
  Launcher* launcher = server->get();
  std::unique_ptr<Launcher> exec = NewBoostLauncher();
  Symbolizer sym({.source_dir = "", .main_exe = worker_exe});
  TrialBench thread(kCrash, "thread", launcher, worker_exe, &sym);
  TrialBench process(kCrash, "process", launcher, worker_exe, &sym);
  TrialBench exec_thread(kCrash, "thread", exec.get(), worker_exe, &sym);
  TrialBench one(IdleWorkers(1), "process", launcher, worker_exe, &sym);
  TrialBench eight(IdleWorkers(8), "process", launcher, worker_exe, &sym);
  std::vector<double> bare, fast, safe, th, pr, ex, floor, lat_t, lat_p, w1, w8,
      reap_t;
  // Each round's own ratio to its own bare fork: on a machine whose speed
  // drifts (a shared virtual machine), the median of these follows the
  // code more than the drift.
  std::vector<double> round_th, round_pr;
  auto tail_median = [](const std::vector<double>& v, size_t from) {
    return Median(std::vector<double>(v.begin() + long(from), v.end()));
  };
  for (int r = 0; r < rounds; ++r) {
    const size_t bare_at = bare.size(), th_at = th.size(), pr_at = pr.size();
    Probe(probe, "bare", batch, &bare);
    Death(death, "fast", batch, &fast);
    Death(death, "threadsafe", batch, &safe);
    // Alternating sample by sample, so neither placement always runs first
    // after the death tests.
    for (int i = 0; i < batch; ++i) {
      if (i % 2 == 0) th.push_back(thread.Once(i, &lat_t, &reap_t));
      pr.push_back(process.Once(i, &lat_p));
      if (i % 2 == 1) th.push_back(thread.Once(i, &lat_t, &reap_t));
    }
    if (const double b = tail_median(bare, bare_at); b > 0) {
      round_th.push_back(tail_median(th, th_at) / b);
      round_pr.push_back(tail_median(pr, pr_at) / b);
    }
    for (int i = 0; i < batch; ++i) ex.push_back(exec_thread.Once(i));
    Probe(probe, "pidfd", batch, &floor);
    for (int i = 0; i < batch; ++i) w1.push_back(one.Once(i));
    for (int i = 0; i < batch; ++i) w8.push_back(eight.Once(i));
  }
  Stop(probe);
  const double b = Median(bare);
  Row("bare: fork -> NULL write -> waitpid", b);
  Row("gtest: EXPECT_DEATH, fast", Median(fast), b, "bare");
  Row("gtest: EXPECT_DEATH, threadsafe", Median(safe), b, "bare");
  Row("faultlab: crash trial, thread placement", Median(th), b, "bare");
  Row("faultlab: crash trial, process placement", Median(pr), b, "bare");
  std::printf("%-46s %10.2fx thread, %.2fx process\n",
              "faultlab: crash trial / bare, per round", Median(round_th),
              Median(round_pr));
  Row("faultlab --launch exec: crash trial, thread", Median(ex), b, "bare");
  const double f = Median(floor);
  Row("floor: crash -> parent's pidfd poll wakes", f);
  Row("faultlab: crash -> supervisor knows, thread", Median(lat_t), f, "floor");
  Row("faultlab: crash -> supervisor knows, process", Median(lat_p), f,
      "floor");
  Row("faultlab: crash -> subject reaped, thread", Median(reap_t), f, "floor");
  const double m1 = Median(w1), m8 = Median(w8);
  Row("faultlab: 1 idle worker, process placement", m1);
  Row("faultlab: 8 idle workers, process placement", m8, m1, "1 worker");
  Row("faultlab: each extra worker process", (m8 - m1) / 7);

  // A whole run at two lengths: the cost per trial must not grow.
  char dir[] = "/tmp/faultlab-bench-XXXXXX";
  if (!mkdtemp(dir)) return 1;
  const std::string file = std::string(dir) + "/crash.yaml";
  FILE* yf = std::fopen(file.c_str(), "w");
  std::fputs(kCrash, yf);
  std::fclose(yf);
  // Per trial = (run of N - run of 1) / (N - 1): what each further trial
  // adds, without the process's own start-up. Medians of 9, interleaved.
  const int small = n >= 100 ? 50 : 5, large = n >= 100 ? 400 : 40;
  const std::string faultlab = bin_dir + "faultlab";
  std::vector<RunCost> at_one, at_small, at_large;
  for (int r = 0; r < 9; ++r) {
    at_one.push_back(RunOnce(faultlab, file, 1, dir));
    at_small.push_back(RunOnce(faultlab, file, small, dir));
    at_large.push_back(RunOnce(faultlab, file, large, dir));
  }
  for (const char* f : {"results.json", "junit.xml", "crash.yaml"})
    unlink((std::string(dir) + "/" + f).c_str());
  rmdir(dir);
  auto med = [](const std::vector<RunCost>& v, double RunCost::*m) {
    std::vector<double> x;
    for (const RunCost& c : v) x.push_back(c.*m);
    return Median(x);
  };
  for (auto [what, m] : {std::pair{"wall", &RunCost::wall_ns},
                         std::pair{"CPU", &RunCost::cpu_ns}}) {
    const double t1 = med(at_one, m);
    const double s50 = (med(at_small, m) - t1) / (small - 1);
    const double s400 = (med(at_large, m) - t1) / (large - 1);
    Row(absl::StrCat("faultlab run: one crash trial, whole run, ", what)
            .c_str(),
        t1);
    Row(absl::StrCat("faultlab run: per trial at ", small, ", ", what).c_str(),
        s50);
    Row(absl::StrCat("faultlab run: per trial at ", large, ", ", what).c_str(),
        s400, s50, absl::StrCat("at ", small).c_str());
  }
  return 0;
}

}  // namespace faultlab::bench
