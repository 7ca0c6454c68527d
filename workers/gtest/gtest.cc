// <faultlab/gtest.h>: runs faultlab as a subprocess and reads its result.
//
// Why a subprocess and not the harness linked in: the supervisor blocks
// signals, becomes a child subreaper and forks a server; none of that
// belongs in a user's test binary, and faultlab's exit status and JSON are
// already its public contract (reports/RESULT_FORMAT.md). The JSON goes to
// a private temporary directory, so parallel tests never share a file.
#include <faultlab/gtest.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

extern char** environ;

namespace faultlab::testing {
namespace {

using nlohmann::json;

constexpr size_t kOutputTail = 64 * 1024;

std::atomic<const char*> g_package_faultlab{nullptr};

std::string ResolveFaultlab(const RunOptions& o) {
  if (!o.faultlab.empty()) return o.faultlab;
  if (const char* env = std::getenv("FAULTLAB_EXECUTABLE"); env && *env)
    return env;
  if (const char* pkg = g_package_faultlab.load()) return pkg;
  return "faultlab";
}

// A private directory for one run's files; removed when it goes.
class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string tmpl =
        std::string(base && *base ? base : "/tmp") + "/faultlab-gtest-XXXXXX";
    if (mkdtemp(tmpl.data()) != nullptr)
      path_ = tmpl;
    else
      error_ = "mkdtemp(" + tmpl + "): " + std::strerror(errno);
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  const std::string& error() const { return error_; }

 private:
  std::string path_;
  std::string error_;
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string Tail(std::string s) {
  if (s.size() > kOutputTail) s.erase(0, s.size() - kOutputTail);
  return s;
}

struct Spawned {
  std::string error;  // could not start or wait: no status then
  int status = 0;     // the raw wait status
};

// Runs argv with stdout and stderr to `log`; waits for it.
Spawned Spawn(const std::vector<std::string>& args, const std::string& log) {
  std::vector<char*> argv;
  for (const std::string& a : args)
    argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, log.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  posix_spawn_file_actions_addclose(&fa, 0);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  pid_t pid = -1;
  const bool search = args[0].find('/') == std::string::npos;
  int rc = search
               ? posix_spawnp(&pid, argv[0], &fa, nullptr, argv.data(), environ)
               : posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  Spawned out;
  if (rc != 0) {
    out.error = "cannot run " + args[0] + ": " + std::strerror(rc);
    return out;
  }
  while (waitpid(pid, &out.status, 0) < 0) {
    if (errno != EINTR) {
      out.error =
          "waitpid(" + std::to_string(pid) + "): " + std::strerror(errno);
      return out;
    }
  }
  return out;
}

std::string Str(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

TrialResult ReadTrial(const json& t) {
  TrialResult r;
  r.seed = t.value("seed", uint64_t{0});
  r.passed = t.value("passed", false);
  r.blast_radius = t.value("blast_radius", 0);
  r.contained = t.value("contained", r.blast_radius == 0);
  for (const json& w : t.value("workers", json::array()))
    r.workers.push_back(
        {Str(w, "name"), Str(w, "role"), Str(w, "outcome"), Str(w, "detail")});
  if (auto h = t.find("hang"); h != t.end() && h->is_object())
    for (const json& c : h->value("cycle", json::array()))
      if (c.is_string()) r.hang_cycle.push_back(c.get<std::string>());
  return r;
}

PlacementResult ReadPlacement(const json& p) {
  PlacementResult r;
  r.name = Str(p, "placement");
  r.passed = p.value("passed", false);
  r.error = Str(p, "error");
  for (const json& e : p.value("expectations", json::array()))
    if (!e.value("passed", true))
      r.failed_checks.push_back(Str(e, "check") +
                                " (actual: " + Str(e, "actual") + ")");
  for (const json& t : p.value("trials", json::array()))
    r.trials.push_back(ReadTrial(t));
  return r;
}

}  // namespace

namespace internal {
bool SetPackageFaultlab(const char* path) {
  g_package_faultlab.store(path);
  return true;
}
}  // namespace internal

ScenarioRun ScenarioRun::Failed(std::string error, int exit_code) {
  ScenarioRun r;
  r.error_ = error.empty() ? "faultlab failed" : std::move(error);
  r.exit_code_ = exit_code;
  return r;
}

ScenarioRun ScenarioRun::FromResultJson(std::string_view text, int exit_code) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object())
    return Failed("the result is not JSON", exit_code);
  if (Str(j, "schema") != "faultlab.result/1")
    return Failed("the result is no faultlab.result/1 document", exit_code);
  const json scenarios = j.value("scenarios", json::array());
  if (scenarios.size() != 1 || !scenarios[0].is_object())
    return Failed("the result holds " + std::to_string(scenarios.size()) +
                      " scenarios, not one",
                  exit_code);
  ScenarioRun r;
  r.exit_code_ = exit_code;
  r.passed_ = j.value("passed", false) && exit_code == 0;
  r.name_ = Str(scenarios[0], "name");
  for (const json& p : scenarios[0].value("placements", json::array()))
    r.placements_.push_back(ReadPlacement(p));
  return r;
}

const PlacementResult* ScenarioRun::placement(std::string_view name) const {
  for (const PlacementResult& p : placements_)
    if (p.name == name) return &p;
  return nullptr;
}

std::string ScenarioRun::PlacementNames() const {
  std::string s;
  for (const PlacementResult& p : placements_)
    s += (s.empty() ? "" : ", ") + p.name;
  return s.empty() ? "none" : s;
}

std::vector<const WorkerResult*> FindWorkers(const TrialResult& trial,
                                             std::string_view name) {
  std::vector<const WorkerResult*> found;
  const bool group = name.find('[') == std::string_view::npos;
  for (const WorkerResult& w : trial.workers) {
    std::string_view n = w.name;
    if (n == name ||
        (group && n.size() > name.size() && n.substr(0, name.size()) == name &&
         n[name.size()] == '['))
      found.push_back(&w);
  }
  return found;
}

ScenarioRun RunScenario(const std::string& scenario,
                        const RunOptions& options) {
  TempDir dir;
  if (!dir.error().empty()) return ScenarioRun::Failed(dir.error());
  const std::string json_path = dir.path() + "/result.json";
  const std::string log_path = dir.path() + "/output.txt";
  std::vector<std::string> args = {
      ResolveFaultlab(options), "run", scenario, "--json", json_path, "-q"};
  if (!options.placements.empty()) {
    std::string list;
    for (const std::string& p : options.placements)
      list += (list.empty() ? "" : ",") + p;
    args.insert(args.end(), {"--placement", list});
  }
  if (options.seed)
    args.insert(args.end(), {"--seed", std::to_string(*options.seed)});
  if (options.repeat != 1)
    args.insert(args.end(), {"--repeat", std::to_string(options.repeat)});
  args.insert(args.end(), options.extra_args.begin(), options.extra_args.end());

  Spawned s = Spawn(args, log_path);
  if (!s.error.empty()) {
    std::string why = s.error;
    if (options.faultlab.empty())
      why += " (set RunOptions::faultlab or $FAULTLAB_EXECUTABLE)";
    return ScenarioRun::Failed(why);
  }
  std::string output = Tail(ReadFile(log_path));
  const std::string command = "faultlab run " + scenario;
  ScenarioRun run;
  if (WIFSIGNALED(s.status)) {
    run = ScenarioRun::Failed(command + " was killed by signal " +
                              std::to_string(WTERMSIG(s.status)) + ":\n" +
                              output);
  } else {
    const int code = WEXITSTATUS(s.status);
    if (code == 0 || code == 1) {
      run = ScenarioRun::FromResultJson(ReadFile(json_path), code);
      if (!run.ok())
        run = ScenarioRun::Failed(command + " exited " + std::to_string(code) +
                                      " but " + run.error() + ":\n" + output,
                                  code);
    } else {
      run = ScenarioRun::Failed(
          command + " could not judge it (exit " + std::to_string(code) +
              (code == 2 ? ": bad input or a harness error" : "") + "):\n" +
              output,
          code);
    }
  }
  run.set_output(std::move(output));
  return run;
}

void PrintTo(const ScenarioRun& run, std::ostream* os) {
  if (!run.ok()) {
    *os << "a run that did not happen: " << run.error();
    return;
  }
  *os << "scenario " << run.name()
      << (run.passed() ? " (passed)" : " (failed)");
  for (const PlacementResult& p : run.placements()) {
    *os << "\n  " << p.name << ":";
    if (!p.error.empty()) {
      *os << " harness error: " << p.error;
      continue;
    }
    if (p.trials.empty()) continue;
    const TrialResult& t = p.trials.front();
    for (const WorkerResult& w : t.workers)
      *os << " " << w.name << " " << w.outcome << ",";
    *os << " blast radius " << t.blast_radius;
    if (p.trials.size() > 1)
      *os << " (first of " << p.trials.size() << " trials)";
  }
}

}  // namespace faultlab::testing
