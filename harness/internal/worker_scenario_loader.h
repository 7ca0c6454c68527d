// The loader of worker scenarios (`workers:`; a scenario with `program:`
// goes to harness/program/program_loader.cc instead). One class, one
// object per file loaded; its sections are defined in files of their own:
//
//   harness/scenario_loader.cc            Load(): the top-level keys
//   harness/internal/load_workers.cc      workers, components, commands,
//                                         the host; worker references
//   harness/internal/load_channels.cc     channels and the topology checks
//   harness/internal/load_faults.cc       faults: triggers, fault points,
//                                         parks, signals
//   harness/internal/load_placements.cc   placements and expectations
//
// A check that fails throws yaml::Error (harness/internal/yaml_reader.h);
// LoadScenarioText() turns it into a Status.
#ifndef FAULTLAB_HARNESS_INTERNAL_WORKER_SCENARIO_LOADER_H_
#define FAULTLAB_HARNESS_INTERNAL_WORKER_SCENARIO_LOADER_H_

#include <yaml-cpp/yaml.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "harness/internal/yaml_reader.h"
#include "harness/scenario.h"

namespace faultlab::internal {

// The loader's sections read the YAML with these (this header is theirs
// alone).
using yaml::Bool;
using yaml::Enum;
using yaml::Fail;
using yaml::Int;
using yaml::Map;
using yaml::Name;
using yaml::Named;
using yaml::Required;
using yaml::String;

class WorkerScenarioLoader {
 public:
  // `file` is the scenario's path: errors name it, and `host:` is also
  // looked for next to it.
  explicit WorkerScenarioLoader(std::string file) : file_(std::move(file)) {}

  Scenario Load(const YAML::Node& root);

 private:
  // load_workers.cc
  void LoadWorkers(const YAML::Node& n, Scenario& s);
  void LoadCommand(const YAML::Node& c, const YAML::Node& w, Worker& proto);
  void LoadComponent(const YAML::Node& w, Worker& proto);
  void LoadHost(const YAML::Node& n, Scenario& s);
  void RefuseUnusedWorkerKeys(const YAML::Node& w, Role role);
  std::vector<int> Resolve(const YAML::Node& n, const Scenario& s);
  int ResolveOne(const YAML::Node& n, const Scenario& s, const char* what);

  // load_channels.cc
  void LoadChannels(const YAML::Node& n, Scenario& s);
  void CheckRingFits(const YAML::Node& c, const Scenario& s, int from,
                     const Channel& ch);
  void CheckTopology(const YAML::Node& root, const Scenario& s);
  void CheckProgramWorkers(const YAML::Node& root, const Scenario& s);

  // load_faults.cc
  void LoadFaults(const YAML::Node& root, Scenario& s);
  void LoadFault(const YAML::Node& n, int entry, Scenario& s);
  void LoadUntil(const YAML::Node& u, const Scenario& s, Fault& f);
  void LoadSignal(const YAML::Node& n, Fault& f);
  void CheckProgramFault(const YAML::Node& n, const Scenario& s,
                         const std::vector<int>& targets, const Fault& f);
  void CheckTargeted(const YAML::Node& n, const Scenario& s, const Fault& f);
  void RefuseUnusedFaultKeys(const YAML::Node& n, const Fault& f);
  void CheckTriggerCanFire(const YAML::Node& n, const Scenario& s,
                           const Fault& f);
  void LoadPointTrigger(const YAML::Node& t, Fault& f);
  void LoadTrigger(const YAML::Node& t, const Scenario& s, Fault& f);

  // load_placements.cc
  void LoadPlacements(const YAML::Node& n, Scenario& s);
  void AddPlacement(const YAML::Node& at, const YAML::Node& name_node,
                    const YAML::Node& layout, Scenario& s);
  std::vector<std::vector<int>> Groups(const YAML::Node& layout,
                                       const std::string& name,
                                       const Scenario& s);
  OutcomeSet Outcomes(const YAML::Node& n);
  BlastCheck Blast(const YAML::Node& n);
  double Rate(const YAML::Node& n);
  YAML::Node Rated(const YAML::Node& n, const std::string& key, Expectation& x);
  void LoadExpect(const YAML::Node& n, Scenario& s);

  std::string file_;
  // Each worker group's name (`name:`, or the role or component) and its
  // members' indices in Scenario::workers, for Resolve().
  std::map<std::string, std::vector<int>> groups_;
  // How many channel ends each worker holds so far (kMaxChannelsPerWorker).
  std::map<int, int> ends_;
};

}  // namespace faultlab::internal

#endif  // FAULTLAB_HARNESS_INTERNAL_WORKER_SCENARIO_LOADER_H_
