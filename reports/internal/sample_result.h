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
