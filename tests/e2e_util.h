// Helpers for end-to-end tests: run the built `faultlab` binary for real, in
// a session of its own so a test can prove that no process of the run
// survives it.
#ifndef FAULTLAB_TESTS_E2E_UTIL_H_
#define FAULTLAB_TESTS_E2E_UTIL_H_

#include <sys/types.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace faultlab::testing {

struct RunOutput {
  int exit_code = -1;  // -1: killed by a signal
  std::string out, err;
  pid_t sid = 0;        // the session the run lived in
  nlohmann::json json;  // parsed --json output, if the run wrote one
};

std::string SourceDir();
std::string BinaryDir();
std::string Scenario(const std::string& name);  // scenarios/<name>
std::string TempDir();  // fresh per call, under the test's tmp
// Writes `yaml` to a fresh TempDir()'s scenario.yaml; returns its path.
std::string WriteScenario(const std::string& yaml);

// Runs `faultlab ARGS... --json <tmp>` and waits for it.
RunOutput RunFaultlab(std::vector<std::string> args, bool with_json = true);

// Starts faultlab in its own session; returns its pid (== session id).
pid_t StartFaultlab(const std::vector<std::string>& args,
                    const std::string& out_file);
// The same with `stdin_fd` as its standard input (closed in this process's
// child after the dup).
pid_t StartFaultlabWithStdin(const std::vector<std::string>& args,
                             const std::string& out_file, int stdin_fd);
// Pids alive (not zombies) in session `sid`.
std::vector<pid_t> ProcessesInSession(pid_t sid);
// Entries in /dev/shm now.
std::vector<std::string> ShmEntries();

// The worker named `name` in trial 0 of placement `placement` of scenario 0.
const nlohmann::json& Worker(const nlohmann::json& result,
                             const std::string& placement,
                             const std::string& name);
const nlohmann::json& Trial(const nlohmann::json& result,
                            const std::string& placement, int scenario = 0);
// A program scenario's `program` record of its process-placement trial, and
// the processes of one role in it.
const nlohmann::json& Program(const nlohmann::json& result);
std::vector<nlohmann::json> OfRole(const nlohmann::json& program,
                                   const std::string& role);

}  // namespace faultlab::testing

#endif  // FAULTLAB_TESTS_E2E_UTIL_H_
