#include "harness/scenario_inputs.h"

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <map>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "harness/host_check.h"
#include "harness/scenario_loader.h"

namespace faultlab {
namespace {

// Loads a scenario and checks it against the host it runs on (its
// `host:`, or faultlab-worker): each host is asked once for what it has.
class HostCache {
 public:
  explicit HostCache(std::string worker_exe)
      : worker_exe_(std::move(worker_exe)) {}

  absl::StatusOr<Scenario> Load(const std::string& file) {
    absl::StatusOr<Scenario> s = LoadScenarioFile(file);
    if (!s.ok()) return s;
    const bool needs =
        !s->host_path.empty() ||
        std::any_of(s->faults.begin(), s->faults.end(),
                    [](const Fault& f) { return !f.at.empty(); });
    if (!needs) return s;
    const std::string exe = s->host_path.empty() ? worker_exe_ : s->host_path;
    auto it = hosts_.find(exe);
    if (it == hosts_.end()) {
      absl::StatusOr<HostInventory> inv = QueryHost(exe);
      if (!inv.ok())
        return absl::InvalidArgumentError(
            s->host.empty()
                ? std::string(inv.status().message())
                : absl::StrCat(s->file, ":", s->host_line, ":", s->host_col,
                               ": error: ", inv.status().message()));
      it = hosts_.emplace(exe, *std::move(inv)).first;
    }
    if (absl::Status st = CheckAgainstHost(*s, exe, it->second); !st.ok())
      return st;
    return s;
  }

 private:
  std::string worker_exe_;
  std::map<std::string, HostInventory> hosts_;
};

// Scenario files named by `inputs`: files as given, a directory by the
// *.yaml files directly in it, in name order.
bool ExpandInputs(const std::vector<std::string>& inputs,
                  std::vector<std::string>* files) {
  bool ok = true;
  for (const std::string& in : inputs) {
    std::error_code ec;
    if (!std::filesystem::is_directory(in, ec)) {
      files->push_back(in);
      continue;
    }
    std::vector<std::string> found;
    for (const auto& e : std::filesystem::directory_iterator(in, ec))
      if (e.path().extension() == ".yaml" && !e.is_directory())
        found.push_back(e.path().string());
    std::sort(found.begin(), found.end());
    if (found.empty()) {
      std::cerr << in << ": error: a directory with no *.yaml scenario in it\n";
      ok = false;
    }
    files->insert(files->end(), found.begin(), found.end());
  }
  return ok;
}

}  // namespace

// Two scenarios of one name are refused: reports, JUnit and merged shards
// key on it.
bool LoadScenarios(const std::vector<std::string>& inputs,
                   const std::string& worker_exe, std::vector<Scenario>* out) {
  std::vector<std::string> files;
  bool ok = ExpandInputs(inputs, &files);
  std::map<std::string, std::string> seen;  // name -> file
  HostCache hosts(worker_exe);
  for (const std::string& f : files) {
    absl::StatusOr<Scenario> s = hosts.Load(f);
    if (!s.ok()) {
      std::cerr << s.status().message() << "\n";
      ok = false;
      continue;
    }
    auto [it, fresh] = seen.emplace(s->name, f);
    if (!fresh) {
      std::cerr << f << ": error: scenario name '" << s->name
                << "' is already used by " << it->second
                << "; names must be unique in a run\n";
      ok = false;
      continue;
    }
    out->push_back(*std::move(s));
  }
  return ok;
}

}  // namespace faultlab
