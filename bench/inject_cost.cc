// faultlab-bench-inject [--iterations N] [--runs R]
// The cost of the LD_PRELOAD injector (workers/inject/) on a program's hot
// path, and how soon faultlab learns that a program process died.
//
// 1. Hot path: this binary re-runs itself as a "program" that calls
//    write(2) to /dev/null N times and prints ns per call, in four
//    configurations run interleaved, round after round (so a busy machine
//    hurts each alike): no injector; the injector preloaded but inert (no
//    board); armed and counting every write in a target process (the
//    fault's count set beyond reach); armed with a thread-name filter (one
//    prctl per counted call). Medians over rounds, with ratios to the
//    first.
// 2. Death detection: `faultlab run` of the threaded demo's raised segfault
//    R times; per run, the time from the crash record the injector wrote
//    inside the dying thread to the moment faultlab's watch loop saw the
//    process's pidfd turn readable (an upper bound on death -> known: the
//    record is taken before the process dies).
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "bench/bench_util.h"
#include "workers/inject/inject_board.h"

extern char** environ;

namespace faultlab::bench {
namespace {

using inject::InjectBoard;

std::string Dir() {
  char self[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  std::string p = n > 0 ? std::string(self, size_t(n)) : "./x";
  return p.substr(0, p.rfind('/') + 1);
}

// The child: mark itself the target (as the supervisor would), then time
// `n` writes. Prints ns per call.
int Loop(long n) {
  inject::InjectProcess* slot = nullptr;
  if (const char* path = getenv(inject::kInjectEnv)) {
    int fd = open(path, O_RDWR | O_CLOEXEC);
    auto* b = static_cast<InjectBoard*>(mmap(nullptr, sizeof(InjectBoard),
                                             PROT_READ | PROT_WRITE, MAP_SHARED,
                                             fd, 0));
    close(fd);
    if (b == MAP_FAILED || b->n_processes.load() == 0) {
      std::fprintf(stderr, "loop: the injector did not arm\n");
      return 1;
    }
    for (uint32_t i = 0; i < b->n_processes.load(); ++i)
      if (b->procs[i].pid == getpid()) slot = &b->procs[i];
    if (!slot) return 1;
    slot->target.store(1);
    b->ready_ns.store(NowNs());
  }
  int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
  char c = 'x';
  for (int i = 0; i < 1000; ++i) (void)!write(null, &c, 1);  // warm up
  const uint64_t start = NowNs();
  for (long i = 0; i < n; ++i) (void)!write(null, &c, 1);
  const double ns = double(NowNs() - start) / double(n);
  // An armed run that counted nothing would measure nothing.
  if (slot && slot->calls.load() < uint64_t(n)) {
    std::fprintf(stderr, "loop: only %lu of %ld writes counted\n",
                 (unsigned long)slot->calls.load(), n);
    return 1;
  }
  std::printf("%.2f\n", ns);
  return 0;
}

// A fresh board at `path`: count every write (by threads named `thread`*,
// if given), never fire.
bool MakeBoard(const std::string& path, const char* thread) {
  int fd = open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return false;
  if (ftruncate(fd, sizeof(InjectBoard)) != 0) {
    close(fd);
    return false;
  }
  void* m = mmap(nullptr, sizeof(InjectBoard), PROT_READ | PROT_WRITE,
                 MAP_SHARED, fd, 0);
  close(fd);
  if (m == MAP_FAILED) return false;
  auto* b = static_cast<InjectBoard*>(m);
  b->config.action = inject::Action::kNullWrite;
  b->config.call = inject::Call::kWrite;
  b->config.after_calls = ~0ull;
  std::strncpy(b->config.thread_prefix, thread, 15);
  b->version = inject::kInjectVersion;
  b->magic = inject::kInjectMagic;
  munmap(m, sizeof(InjectBoard));
  return true;
}

// Runs this binary in loop mode with `extra` in its environment.
double RunLoop(const std::string& self, long n,
               const std::vector<std::string>& extra) {
  int p[2];
  if (pipe2(p, O_CLOEXEC) != 0) return -1;
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e)
    if (std::strncmp(*e, "LD_PRELOAD=", 11) != 0 &&
        std::strncmp(*e, "FAULTLAB_INJECT=", 16) != 0)
      env.push_back(*e);
  env.insert(env.end(), extra.begin(), extra.end());
  const std::string count = std::to_string(n);
  pid_t pid = fork();
  if (pid == 0) {
    dup2(p[1], 1);
    std::vector<char*> envp,
        argv = {const_cast<char*>(self.c_str()), const_cast<char*>("--loop"),
                const_cast<char*>(count.c_str()), nullptr};
    for (std::string& e : env) envp.push_back(e.data());
    envp.push_back(nullptr);
    execve(self.c_str(), argv.data(), envp.data());
    _exit(127);
  }
  close(p[1]);
  char buf[64] = {};
  ssize_t got = read(p[0], buf, sizeof buf - 1);
  close(p[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  return got > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0
             ? std::atof(buf)
             : -1;
}

int HotPath(long n, int rounds) {
  const std::string dir = Dir(), self = dir + "faultlab-bench-inject";
  const std::string preload = "LD_PRELOAD=" + dir + inject::kInjectLibrary;
  char tmpl[] = "/tmp/faultlab-bench-inject-XXXXXX";
  if (!mkdtemp(tmpl)) return 1;
  const std::string board = std::string(tmpl) + "/board";
  const std::string named = std::string(inject::kInjectEnv) + "=" + board;
  struct Config {
    const char* name;
    std::vector<std::string> env;
    const char* thread;  // nullptr: no board
    std::vector<double> ns;
  };
  // The loop runs on the child's main thread, named after its executable.
  std::vector<Config> configs = {
      {"write(2), no injector", {}, nullptr, {}},
      {"write(2), injector preloaded, inert", {preload}, nullptr, {}},
      {"write(2), armed: every call counted", {preload, named}, "", {}},
      {"write(2), armed, counted by thread name",
       {preload, named},
       "faultlab-bench",
       {}}};
  bool ok = true;
  for (int r = 0; r < rounds; ++r)
    for (Config& c : configs) {
      if (c.thread) ok &= MakeBoard(board, c.thread);  // a fresh slot table
      c.ns.push_back(RunLoop(self, n, c.env));
    }
  unlink(board.c_str());
  rmdir(tmpl);
  std::printf(
      "injector overhead on a hot libc call: %ld writes to /dev/null "
      "per run, %d interleaved rounds, medians\n",
      n, rounds);
  double base = 0;
  for (Config& c : configs) {
    std::sort(c.ns.begin(), c.ns.end());
    const double med = c.ns[c.ns.size() / 2];
    ok &= c.ns.front() > 0;
    if (base == 0) base = med;
    std::printf("  %-44s %8.1f ns/call  (%.3fx no injector)\n", c.name, med,
                med / base);
  }
  return ok ? 0 : 1;
}

int DeathDetection(int runs) {
  const std::string dir = Dir();
  const std::string scenario = std::string(FAULTLAB_SOURCE_DIR) +
                               "/scenarios/threaded_server_segfault.yaml";
  char tmpl[] = "/tmp/faultlab-bench-inject-XXXXXX";
  if (!mkdtemp(tmpl)) return 1;
  const std::string out = std::string(tmpl) + "/r.json";
  std::vector<double> ms;
  for (int r = 0; r < runs; ++r) {
    const std::string cmd = dir + "faultlab run " + scenario + " -q --json " +
                            out + " >/dev/null 2>&1";
    if (std::system(cmd.c_str()) != 0) continue;
    std::ifstream in(out);
    nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
    if (j.is_discarded()) continue;
    const auto& t = j["scenarios"][0]["placements"][0]["trials"][0];
    const auto& crash = t["crash"];
    for (const auto& p : t["program"]["processes"])
      if (p["outcome"] == "crashed" && !p["exit_ms"].is_null() &&
          crash.is_object())
        ms.push_back(p["exit_ms"].get<double>() - crash["t_ms"].get<double>());
  }
  unlink(out.c_str());
  rmdir(tmpl);
  if (ms.empty()) {
    std::printf("death detection: no run gave a figure\n");
    return 1;
  }
  std::sort(ms.begin(), ms.end());
  std::printf(
      "program death -> faultlab knows (crash record inside the "
      "dying thread -> pidfd readable), %zu runs:\n"
      "  median %.3f ms, p90 %.3f ms, max %.3f ms  (target <= 2 ms)\n",
      ms.size(), ms[ms.size() / 2], ms[ms.size() * 9 / 10], ms.back());
  return 0;
}

}  // namespace
}  // namespace faultlab::bench

int main(int argc, char** argv) {
  setvbuf(stdout, nullptr, _IOLBF, 0);
  if (argc == 3 && std::strcmp(argv[1], "--loop") == 0)
    return faultlab::bench::Loop(std::atol(argv[2]));
  long n = 2'000'000;
  int rounds = 9, runs = 10;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--iterations") == 0)
      n = std::max(1000L, std::atol(argv[i + 1]));
    else if (std::strcmp(argv[i], "--runs") == 0)
      runs = std::max(1, std::atoi(argv[i + 1]));
    else if (std::strcmp(argv[i], "--rounds") == 0)
      rounds = std::max(1, std::atoi(argv[i + 1]));
  }
  int rc = faultlab::bench::HotPath(n, rounds);
  rc |= faultlab::bench::DeathDetection(runs);
  return rc;
}
