#include "harness/run_command.h"

#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "harness/classify.h"
#include "harness/expectations.h"
#include "harness/launcher.h"
#include "harness/result.h"
#include "harness/scenario_loader.h"
#include "harness/trial_runner.h"
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

class Outputs {
 public:
  explicit Outputs(const RunOptions& o)
      : json_(OutPath(o, o.json_path, "results.json")),
        junit_(OutPath(o, o.junit_path, "junit.xml")),
        html_(OutPath(o, o.html_path, "report.html")) {}

  // Rewrites the machine-readable files; the HTML only when `final`.
  bool Write(const RunResult& r, bool final) {
    nlohmann::json j = ToJson(r);
    bool ok = true;
    // Text from a scenario or a dying worker may be broken UTF-8: replace,
    // never throw.
    if (!json_.empty())
      ok &= WriteFileAtomic(
          json_,
          j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) +
              "\n");
    if (!junit_.empty()) ok &= WriteFileAtomic(junit_, reports::RenderJunit(j));
    if (final && !html_.empty()) {
      bool html_ok = WriteFileAtomic(html_, reports::RenderHtml(j));
      if (html_ok) std::cerr << "faultlab: HTML report: " << html_ << "\n";
      ok &= html_ok;
    }
    return ok;
  }

  // Before any trial: every output can be written (its directory exists
  // and is writable), so a bad path fails at once, not after the run.
  bool Writable() const {
    for (const std::string* p : {&json_, &junit_, &html_}) {
      if (p->empty()) continue;
      if (!WriteFileAtomic(*p + ".probe", "")) return false;
      unlink((*p + ".probe").c_str());
    }
    return true;
  }

 private:
  std::string json_, junit_, html_;
};

ScenarioResult NewScenarioResult(const Scenario& s) {
  ScenarioResult r;
  r.name = s.name;
  r.file = s.file;
  r.description = s.description;
  if (s.fault.target >= 0) r.fault_target = s.workers[s.fault.target].name;
  r.fault_kind = FaultKindName(s.fault.kind);
  r.fault_variant = FaultVariantName(s.fault.variant);
  r.fault_trigger = TriggerText(s.fault);
  return r;
}

}  // namespace

bool WriteFileAtomic(const std::string& path, const std::string& content) {
  std::string tmp = absl::StrCat(path, ".tmp.", getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << content;
    out.flush();
    if (!out) {
      unlink(tmp.c_str());
      std::cerr << "faultlab: cannot write " << path << "\n";
      return false;
    }
  }
  if (rename(tmp.c_str(), path.c_str()) != 0) {
    unlink(tmp.c_str());
    std::cerr << "faultlab: cannot write " << path << "\n";
    return false;
  }
  return true;
}

int RunCommand(const RunOptions& opts) {
  std::vector<Scenario> scenarios;
  bool bad = false;
  for (const std::string& f : opts.scenarios) {
    absl::StatusOr<Scenario> s = LoadScenarioFile(f);
    if (!s.ok()) {
      std::cerr << s.status().message() << "\n";
      bad = true;
      continue;
    }
    scenarios.push_back(*std::move(s));
  }
  if (bad) return 2;

  const int signal_fd = SetUpSupervisorSignals();
  std::unique_ptr<Launcher> launcher = NewBoostLauncher();
  TrialRunner runner(launcher.get(), {.worker_exe = opts.worker_exe},
                     signal_fd);
  Symbolizer symbolizer(
      {.source_dir = FAULTLAB_SOURCE_DIR, .main_exe = opts.worker_exe});
  Outputs outputs(opts);
  RunResult run;
  run.started = NowIso();
  run.command = opts.command_line;
  run.seed_override = opts.seed;
  bool harness_error = false;
  // The files exist, well-formed, from the start; each finished trial
  // rewrites them.
  if (!outputs.Writable() || !outputs.Write(run, false)) return 2;

  for (const Scenario& s : scenarios) {
    if (runner.interrupted() || harness_error) break;
    run.scenarios.push_back(NewScenarioResult(s));
    ScenarioResult& sr = run.scenarios.back();
    for (Placement pl : s.placements) {
      if (!opts.placements.empty() &&
          std::find(opts.placements.begin(), opts.placements.end(), pl) ==
              opts.placements.end())
        continue;
      if (runner.interrupted() || harness_error) break;
      sr.placements.push_back({pl, true, {}, {}});
      PlacementResult& pr = sr.placements.back();
      for (int rep = 0; rep < opts.repeat && !runner.interrupted(); ++rep) {
        uint64_t seed = (opts.seed ? *opts.seed : s.seed) + rep;
        absl::StatusOr<TrialObservation> obs =
            runner.Run(s, MakePlan(s, pl, seed));
        if (!obs.ok()) {
          std::cerr << "faultlab: " << s.file
                    << ": harness error: " << obs.status().message() << "\n";
          harness_error = true;
          break;
        }
        if (obs->interrupted) break;
        TrialResult t = Classify(s, *obs, &symbolizer);
        if (auto it = s.expect.find(pl); it != s.expect.end()) {
          for (CheckResult& c : CheckExpectation(s, it->second, t)) {
            if (!c.passed) pr.passed = false;
            // With repeats, keep every failure but each passing check once.
            if (rep == 0 || !c.passed) pr.expectations.push_back(std::move(c));
          }
        }
        pr.trials.push_back(std::move(t));
        sr.passed = sr.passed && pr.passed;
        outputs.Write(run, false);
      }
      if (pr.trials.empty()) sr.placements.pop_back();
    }
    if (!opts.quiet && !sr.placements.empty())
      std::cout << reports::RenderConsole(ToJson(sr), opts.color) << std::flush;
  }
  run.complete = !runner.interrupted() && !harness_error;
  if (!outputs.Write(run, true)) harness_error = true;
  if (runner.interrupted()) {
    std::cerr << "faultlab: interrupted; every subject was killed and reaped\n";
    return 130;
  }
  if (harness_error) return 2;
  int passed = 0, failed = 0;
  for (const ScenarioResult& s : run.scenarios)
    for (const PlacementResult& p : s.placements)
      (p.passed ? passed : failed)++;
  std::cout << "faultlab: " << run.scenarios.size() << " scenario(s), "
            << passed << " placement(s) as expected, " << failed << " not\n";
  return run.passed() ? 0 : 1;
}

int ValidateCommand(const std::vector<std::string>& files) {
  int rc = 0;
  for (const std::string& f : files) {
    absl::StatusOr<Scenario> s = LoadScenarioFile(f);
    if (!s.ok()) {
      std::cerr << s.status().message() << "\n";
      rc = 2;
      continue;
    }
    std::cout << f << ": ok (" << s->workers.size() << " workers, "
              << s->channels.size() << " channels, fault "
              << FaultKindName(s->fault.kind) << ")\n";
  }
  return rc;
}

int ReportCommand(const std::string& json_path, const std::string& html_path,
                  const std::string& junit_path) {
  std::ifstream in(json_path);
  if (!in) {
    std::cerr << json_path << ": error: cannot open\n";
    return 2;
  }
  nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("schema") ||
      !j["schema"].is_string() || j["schema"] != "faultlab.result/1") {
    std::cerr << json_path
              << ": error: expected a faultlab.result/1 JSON document\n";
    return 2;
  }
  try {
    if (!html_path.empty() &&
        !WriteFileAtomic(html_path, reports::RenderHtml(j)))
      return 2;
    if (!junit_path.empty() &&
        !WriteFileAtomic(junit_path, reports::RenderJunit(j)))
      return 2;
    if (html_path.empty() && junit_path.empty())
      for (const auto& s : j["scenarios"])
        std::cout << reports::RenderConsole(s);
  } catch (const nlohmann::json::exception& e) {
    std::cerr << json_path << ": error: malformed result: " << e.what() << "\n";
    return 2;
  }
  return 0;
}

}  // namespace faultlab
