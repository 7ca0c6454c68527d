// Test helper: the checked-in sample result
// (reports/testdata/sample_result.json). A segfault scenario (thread: relay[0]
// crashed, the rest collateral; process: contained) and a failed deadlock
// scenario. Only for tests in reports/.
#ifndef FAULTLAB_REPORTS_INTERNAL_SAMPLE_RESULT_H_
#define FAULTLAB_REPORTS_INTERNAL_SAMPLE_RESULT_H_

#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>

#ifndef FAULTLAB_REPORTS_TESTDATA
#error "FAULTLAB_REPORTS_TESTDATA must name reports/testdata"
#endif

namespace faultlab::reports::internal {

inline nlohmann::json LoadSampleResult() {
  std::ifstream in(FAULTLAB_REPORTS_TESTDATA "/sample_result.json");
  if (!in)
    throw std::runtime_error("cannot open " FAULTLAB_REPORTS_TESTDATA
                             "/sample_result.json");
  return nlohmann::json::parse(in);
}

// The sample with a third placement of the segfault scenario, a grouping
// named "split" (a copy of its process trial, grouped {producer relay}
// {sink}).
inline nlohmann::json LoadSampleWithGrouping() {
  nlohmann::json r = LoadSampleResult();
  nlohmann::json split = r["scenarios"][0]["placements"][1];
  split["placement"] = "split";
  split["groups"] =
      nlohmann::json::array({nlohmann::json::array({"producer[0]", "relay[0]"}),
                             nlohmann::json::array({"sink[0]"})});
  r["scenarios"][0]["placements"].push_back(split);
  return r;
}

// The sample's segfault scenario with its thread placement run 3 times
// (seeds 42, 43, 44); the third trial failed: relay[0] completed. Verdicts,
// checks and the summary are filled in as `faultlab run` writes them.
inline nlohmann::json RepeatedSample() {
  nlohmann::json s = LoadSampleResult()["scenarios"][0];
  nlohmann::json& p = s["placements"][0];
  nlohmann::json one = p["trials"][0];
  one["passed"] = true;
  one["checks"] = {{{"check", "relay[0] is crashed"},
                    {"passed", true},
                    {"actual", "crashed"},
                    {"required_rate", 1.0}}};
  p["trials"] = nlohmann::json::array();
  for (int i = 0; i < 3; ++i) {
    nlohmann::json t = one;
    t["seed"] = 42 + i;
    t["repetition"] = i;
    t["run_index"] = i;
    p["trials"].push_back(t);
  }
  nlohmann::json& bad = p["trials"][2];
  bad["passed"] = false;
  bad["checks"][0]["passed"] = false;
  bad["checks"][0]["actual"] = "completed";
  bad["workers"][1]["outcome"] = "completed";
  bad["crash"] = nullptr;
  p["passed"] = false;
  s["passed"] = false;
  p["expectations"] = {{{"check", "relay[0] is crashed"},
                        {"passed", false},
                        {"actual", "crashed ×2, completed ×1"},
                        {"required_rate", 1.0},
                        {"trials", 3},
                        {"held", 2},
                        {"rate", 2.0 / 3},
                        {"wilson95", {{"low", 0.2077}, {"high", 0.9385}}}}};
  p["summary"] = {
      {"trials", 3},
      {"passed_trials", 2},
      {"pass_rate", 2.0 / 3},
      {"wilson95", {{"low", 0.2077}, {"high", 0.9385}}},
      {"failing_seeds", {44}},
      {"outcomes",
       {{{"worker", "producer[0]"}, {"counts", {{"collateral", 3}}}},
        {{"worker", "relay[0]"},
         {"counts", {{"completed", 1}, {"crashed", 2}}}},
        {{"worker", "sink[0]"}, {"counts", {{"collateral", 3}}}}}}};
  return s;
}

// How often `needle` occurs in `hay` (overlapping).
inline int Count(const std::string& hay, std::string_view needle) {
  int n = 0;
  for (size_t p = hay.find(needle); p != std::string::npos;
       p = hay.find(needle, p + 1))
    ++n;
  return n;
}

}  // namespace faultlab::reports::internal

#endif  // FAULTLAB_REPORTS_INTERNAL_SAMPLE_RESULT_H_
