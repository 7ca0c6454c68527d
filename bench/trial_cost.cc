// faultlab-bench trial: what one trial costs the supervisor end to end
// (scoreboard, channels, spawn through the launcher, watch, reap, classify)
// against the floor it is measured by: a bare fork+wait and a fork+exec of
// the worker host.
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <vector>

#include "bench/bench_util.h"
#include "harness/classify.h"
#include "harness/launcher.h"
#include "harness/scenario_loader.h"
#include "harness/trial_runner.h"

namespace faultlab::bench {
namespace {

constexpr char kOneWorker[] = R"(name: bench_one
deadline_ms: 5000
workers:
  - {role: idle, interval_us: 0}
)";

constexpr char kPipeline[] = R"(name: bench_pipeline
deadline_ms: 5000
workers:
  - {role: producer, messages: 100, interval_us: 0}
  - {role: relay}
  - {role: sink}
channels:
  - {from: producer, to: relay}
  - {from: relay, to: sink}
)";

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

double TrialNs(const char* yaml, const char* pl, int n, const char* exe) {
  absl::StatusOr<Scenario> s = LoadScenarioText(yaml, "bench");
  if (!s.ok() || !s->FindPlacement(pl)) return -1;
  std::unique_ptr<Launcher> launcher = NewBoostLauncher();
  TrialRunner runner(launcher.get(), {.worker_exe = exe}, -1);
  std::vector<double> times;
  for (int i = 0; i < n; ++i) {
    uint64_t start = NowNs();
    absl::StatusOr<TrialObservation> obs =
        runner.Run(*s, MakePlan(*s, *s->FindPlacement(pl), i));
    if (!obs.ok()) {
      std::fprintf(stderr, "trial failed: %s\n",
                   std::string(obs.status().message()).c_str());
      return -1;
    }
    TrialResult t = Classify(*s, *obs, nullptr);
    times.push_back(double(NowNs() - start));
  }
  return Median(times);
}

}  // namespace

int TrialMain(int n, const char* exe) {
  ReserveLowDescriptors();
  std::printf("faultlab bench: trial cost (median of %d; lower is cheaper)\n",
              n);
  std::vector<double> fw, fe;
  for (int i = 0; i < n; ++i) {
    uint64_t t0 = NowNs();
    pid_t p = fork();
    if (p == 0) _exit(0);
    waitpid(p, nullptr, 0);
    fw.push_back(double(NowNs() - t0));
    t0 = NowNs();
    p = fork();
    if (p == 0) {
      int null = open("/dev/null", O_WRONLY);
      dup2(null, 2);
      execl(exe, exe, nullptr);  // no index: the host exits at once (usage)
      _exit(127);
    }
    waitpid(p, nullptr, 0);
    fe.push_back(double(NowNs() - t0));
  }
  double fork_wait = Median(fw), fork_exec = Median(fe);
  Row("floor: fork+exit+wait", fork_wait);
  Row("floor: fork+exec(faultlab-worker)+wait", fork_exec, fork_wait, "fork");
  double one_t = TrialNs(kOneWorker, "thread", n, exe);
  double pipe_t = TrialNs(kPipeline, "thread", n, exe);
  double pipe_p = TrialNs(kPipeline, "process", n, exe);
  Row("trial: 1 idle worker, thread placement", one_t, fork_wait, "fork");
  Row("trial: 3-stage pipeline x100 msgs, thread", pipe_t, fork_wait, "fork");
  Row("trial: 3-stage pipeline x100 msgs, process", pipe_p, pipe_t, "thread");
  return 0;
}

}  // namespace faultlab::bench
