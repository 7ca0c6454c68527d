#include "tests/e2e_util.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <stdexcept>

namespace faultlab::testing {
namespace {

std::string Env(const char* name, const char* fallback) {
  const char* v = getenv(name);
  return v ? v : fallback;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

[[noreturn]] void ExecFaultlab(const std::vector<std::string>& args,
                               const std::string& out, const std::string& err) {
  setsid();
  int o = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  int e = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  dup2(o, 1);
  dup2(e, 2);
  std::string bin = BinaryDir() + "/bin/faultlab";
  std::vector<char*> argv{const_cast<char*>(bin.c_str())};
  for (const std::string& a : args)
    argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  execv(bin.c_str(), argv.data());
  _exit(127);
}

}  // namespace

std::string SourceDir() {
  return Env("FAULTLAB_SOURCE_DIR", FAULTLAB_SOURCE_DIR_DEFAULT);
}
std::string BinaryDir() {
  return Env("FAULTLAB_BINARY_DIR", FAULTLAB_BINARY_DIR_DEFAULT);
}
std::string Scenario(const std::string& name) {
  return SourceDir() + "/scenarios/" + name;
}

// Every directory TempDir() made, removed when the test binary exits, so a
// suite run leaves nothing in /tmp.
class TempDirs {
 public:
  ~TempDirs() {
    if (getpid() != owner_) return;  // a forked child exiting
    for (const std::string& d : dirs_) {
      std::error_code ec;
      std::filesystem::remove_all(d, ec);
    }
  }
  void Add(const std::string& d) {
    std::lock_guard<std::mutex> lock(mu_);
    dirs_.push_back(d);
  }

 private:
  const pid_t owner_ = getpid();
  std::mutex mu_;
  std::vector<std::string> dirs_;
};

std::string TempDir() {
  static TempDirs* dirs = new TempDirs;
  static const bool registered = [] {
    std::atexit([] { delete dirs; });
    return true;
  }();
  (void)registered;
  std::string tmpl = Env("TMPDIR", "/tmp") + "/faultlab-test-XXXXXX";
  if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp");
  dirs->Add(tmpl);
  return tmpl;
}

std::string WriteScenario(const std::string& yaml) {
  std::string path = TempDir() + "/scenario.yaml";
  std::ofstream(path) << yaml;
  return path;
}

RunOutput RunFaultlab(std::vector<std::string> args, bool with_json) {
  std::string dir = TempDir();
  std::string json = dir + "/result.json";
  if (with_json) {
    args.push_back("--json");
    args.push_back(json);
  }
  pid_t pid = fork();
  if (pid == 0) ExecFaultlab(args, dir + "/out", dir + "/err");
  int status = 0;
  waitpid(pid, &status, 0);
  RunOutput r;
  r.sid = pid;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = ReadFile(dir + "/out");
  r.err = ReadFile(dir + "/err");
  std::string text = ReadFile(json);
  if (!text.empty()) r.json = nlohmann::json::parse(text, nullptr, false);
  return r;
}

pid_t StartFaultlab(const std::vector<std::string>& args,
                    const std::string& out_file) {
  pid_t pid = fork();
  if (pid == 0) ExecFaultlab(args, out_file, out_file + ".err");
  return pid;
}

pid_t StartFaultlabWithStdin(const std::vector<std::string>& args,
                             const std::string& out_file, int stdin_fd) {
  pid_t pid = fork();
  if (pid == 0) {
    dup2(stdin_fd, 0);
    if (stdin_fd != 0) close(stdin_fd);
    ExecFaultlab(args, out_file, out_file + ".err");
  }
  return pid;
}

std::vector<pid_t> ProcessesInSession(pid_t sid) {
  std::vector<pid_t> out;
  DIR* d = opendir("/proc");
  while (dirent* e = readdir(d)) {
    pid_t pid = atoi(e->d_name);
    if (pid <= 0) continue;
    std::string stat = ReadFile("/proc/" + std::string(e->d_name) + "/stat");
    size_t close = stat.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream fields(stat.substr(close + 2));
    char state;
    int ppid, pgrp, session;
    fields >> state >> ppid >> pgrp >> session;
    if (session == sid && state != 'Z') out.push_back(pid);
  }
  closedir(d);
  return out;
}

std::vector<std::string> ShmEntries() {
  std::vector<std::string> out;
  if (DIR* d = opendir("/dev/shm")) {
    while (dirent* e = readdir(d))
      if (e->d_name[0] != '.') out.push_back(e->d_name);
    closedir(d);
  }
  return out;
}

const nlohmann::json& Trial(const nlohmann::json& result,
                            const std::string& placement, int scenario) {
  for (const auto& p : result.at("scenarios").at(scenario).at("placements"))
    if (p.at("placement") == placement) return p.at("trials").at(0);
  throw std::runtime_error("no placement " + placement);
}

const nlohmann::json& Worker(const nlohmann::json& result,
                             const std::string& placement,
                             const std::string& name) {
  for (const auto& w : Trial(result, placement).at("workers"))
    if (w.at("name") == name) return w;
  throw std::runtime_error("no worker " + name);
}

const nlohmann::json& Program(const nlohmann::json& result) {
  return Trial(result, "process")["program"];
}

std::vector<nlohmann::json> OfRole(const nlohmann::json& program,
                                   const std::string& role) {
  std::vector<nlohmann::json> out;
  for (const nlohmann::json& p : program["processes"])
    if (p["role"] == role) out.push_back(p);
  return out;
}

}  // namespace faultlab::testing
