// End-to-end: placements a scenario names itself. The same workers, grouped
// into processes differently, and who goes down with a fault follows from
// who shares its process.
#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include "tests/e2e_util.h"

namespace faultlab::testing {
namespace {

using nlohmann::json;

int PidOf(const json& r, const std::string& placement,
          const std::string& worker) {
  return Worker(r, placement, worker)["pid"].get<int>();
}

TEST(E2ePlacementTest, GroupingsDecideWhoSharesTheCrashedProcess) {
  RunOutput r = RunFaultlab({"run", Scenario("split_segfault.yaml")});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const json& placements = r.json["scenarios"][0]["placements"];
  ASSERT_EQ(placements.size(), 4u);
  EXPECT_EQ(placements[2]["placement"], "front");
  EXPECT_EQ(placements[2]["groups"],
            json::array({json::array({"producer[0]", "relay[0]"}),
                         json::array({"sink[0]", "sink[1]"})}));
  // front: one process for producer and relay, one for both sinks.
  EXPECT_EQ(Trial(r.json, "front")["processes"].size(), 2u);
  EXPECT_EQ(PidOf(r.json, "front", "producer[0]"),
            PidOf(r.json, "front", "relay[0]"));
  EXPECT_EQ(PidOf(r.json, "front", "sink[0]"),
            PidOf(r.json, "front", "sink[1]"));
  EXPECT_NE(PidOf(r.json, "front", "sink[0]"),
            PidOf(r.json, "front", "relay[0]"));
  EXPECT_EQ(Worker(r.json, "front", "producer[0]")["outcome"], "collateral");
  EXPECT_EQ(Worker(r.json, "front", "sink[1]")["outcome"], "disconnected");
  EXPECT_EQ(Trial(r.json, "front")["blast_radius"], 1);
  // back: the sinks are the relay's threads and die with it.
  EXPECT_EQ(Worker(r.json, "back", "producer[0]")["outcome"], "disconnected");
  EXPECT_EQ(Worker(r.json, "back", "sink[0]")["outcome"], "collateral");
  EXPECT_EQ(Trial(r.json, "back")["blast_radius"], 2);
  // The console compares them on one line, and names each grouping's
  // processes.
  EXPECT_NE(r.out.find("  placements: thread blast 3/3 · process blast 0/3 · "
                       "front blast 1/3 · back blast 2/3\n"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("front    processes: {producer[0] relay[0]} {sink[0] "
                       "sink[1]}"),
            std::string::npos)
      << r.out;
}

TEST(E2ePlacementTest, HeapOverwriteReachesOnlyAProcessMate) {
  std::string path = WriteScenario(R"(name: mates
seed: 42
deadline_ms: 5000
workers:
  - {role: producer, messages: 200, interval_us: 1000}
  - {role: relay}
  - {role: sink, count: 2}
  - {role: idle, name: cache, interval_us: 400000}
channels:
  - {kind: pipe, from: producer, to: relay}
  - {kind: pipe, from: relay, to: sink}
placements:
  with_relay: [[cache, relay], [producer, sink]]
  apart: [[cache, producer], [relay, sink]]
fault:
  target: cache[0]
  kind: heap_overwrite
  variant: sibling
  sibling: relay[0]
  trigger: {after_ms: 40}
)");
  RunOutput r = RunFaultlab({"run", path});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(Worker(r.json, "with_relay", "relay[0]")["outcome"], "corrupted");
  for (const char* w : {"producer[0]", "sink[0]", "sink[1]"})
    EXPECT_EQ(Worker(r.json, "with_relay", w)["outcome"], "completed") << w;
  // Apart, the relay's address means nothing in the cache's process: the
  // relay and its sinks are never corrupted, whatever the write hit there.
  for (const char* w : {"relay[0]", "sink[0]", "sink[1]"}) {
    std::string o = Worker(r.json, "apart", w)["outcome"];
    EXPECT_TRUE(o == "completed" || o == "disconnected") << w << ": " << o;
  }
}

TEST(E2ePlacementTest, PlacementFlagPicksGroupingsByName) {
  RunOutput r = RunFaultlab(
      {"run", Scenario("split_segfault.yaml"), "--placement", "back,thread"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const json& placements = r.json["scenarios"][0]["placements"];
  ASSERT_EQ(placements.size(), 2u);
  // In the scenario's order, not the flag's.
  EXPECT_EQ(placements[0]["placement"], "thread");
  EXPECT_EQ(placements[1]["placement"], "back");

  r = RunFaultlab(
      {"run", Scenario("split_segfault.yaml"), "--placement", "frnt"}, false);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--placement frnt: no scenario has a placement of that "
                       "name; they have: thread, process, front, back"),
            std::string::npos)
      << r.err;
}

TEST(E2ePlacementTest, AFailedGroupingExpectationNamesIt) {
  std::string path = WriteScenario(R"(name: wrong
seed: 42
workers:
  - {role: producer, messages: 100, interval_us: 500}
  - {role: relay}
  - {role: sink}
channels:
  - {from: producer, to: relay}
  - {from: relay, to: sink}
placements: [{pair: [[producer, relay], sink]}]
fault: {target: relay, kind: abort, trigger: {after_messages: 20}}
expect:
  pair: {workers: {producer: completed}}
)");
  std::string junit = TempDir() + "/junit.xml";
  RunOutput r = RunFaultlab({"run", path, "--junit", junit});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("  pair     FAIL"), std::string::npos) << r.out;
  // The fault-fired check comes first, then the worker's.
  const nlohmann::json& checks =
      r.json["scenarios"][0]["placements"][0]["expectations"];
  ASSERT_EQ(checks.size(), 2u) << checks.dump();
  EXPECT_EQ(checks[0]["check"], "the fault fired");
  EXPECT_EQ(checks[1]["actual"], "collateral");
  std::ifstream in(junit);
  std::string xml((std::istreambuf_iterator<char>(in)),
                  std::istreambuf_iterator<char>());
  EXPECT_NE(
      xml.find("<testcase classname=\"faultlab.wrong\" name=\"wrong [pair]\""),
      std::string::npos)
      << xml;
}

TEST(E2ePlacementTest, SeveralFaultsAreEachRecorded) {
  RunOutput r = RunFaultlab({"run", Scenario("several_faults.yaml")});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const json& faults = r.json["scenarios"][0]["faults"];
  ASSERT_EQ(faults.size(), 2u);
  EXPECT_EQ(faults[1]["target"], "sink");
  EXPECT_EQ(faults[1]["targets"], json::array({"sink[0]", "sink[1]"}));
  // As threads the cache's segfault ends the process before any sink gets
  // to its 60th message: their faults are recorded as not fired.
  const json& thread = Trial(r.json, "thread")["faults"];
  ASSERT_EQ(thread.size(), 3u);
  EXPECT_EQ(thread[0]["target"], "cache[0]");
  EXPECT_TRUE(thread[0]["fired"].get<bool>());
  EXPECT_FALSE(thread[1]["fired"].get<bool>());
  EXPECT_TRUE(thread[2]["fired_ms"].is_null());
  EXPECT_EQ(Worker(r.json, "thread", "sink[1]")["outcome"], "collateral");
  // As processes every fault fires where it was put.
  for (const json& f : Trial(r.json, "process")["faults"])
    EXPECT_TRUE(f["fired"].get<bool>()) << f.dump();
  for (const char* w : {"cache[0]", "sink[0]", "sink[1]"})
    EXPECT_EQ(Worker(r.json, "process", w)["outcome"], "crashed") << w;
  // Three crashes, three stacks: the cache's first (30 ms in), then each
  // sink's own abort, in time order.
  const json& process = Trial(r.json, "process");
  EXPECT_EQ(process["crash"]["worker"], "cache[0]");
  EXPECT_EQ(process["crash"]["signal"], "SIGSEGV");
  const json& others = process["other_crashes"];
  ASSERT_EQ(others.size(), 2u) << others.dump();
  std::set<std::string> sinks;
  for (const json& c : others) {
    sinks.insert(c["worker"].get<std::string>());
    EXPECT_EQ(c["signal"], "SIGABRT") << c.dump();
    EXPECT_FALSE(c["frames"].empty()) << c.dump();
    EXPECT_GE(c["t_ms"].get<double>(), process["crash"]["t_ms"].get<double>());
  }
  EXPECT_EQ(sinks, (std::set<std::string>{"sink[0]", "sink[1]"}));
  EXPECT_LE(others[0]["t_ms"].get<double>(), others[1]["t_ms"].get<double>());
  // As threads one crash ends the process: there is no other.
  EXPECT_TRUE(Trial(r.json, "thread")["other_crashes"].empty());
  EXPECT_NE(r.out.find("    fault: abort in sink[0], after 60 messages: did "
                       "not fire\n"),
            std::string::npos)
      << r.out;

  RunOutput v =
      RunFaultlab({"validate", Scenario("several_faults.yaml")}, false);
  EXPECT_EQ(v.exit_code, 0);
  EXPECT_NE(v.out.find("faults segfault in cache[0], abort in sink[0], abort "
                       "in sink[1], placements thread process)"),
            std::string::npos)
      << v.out;
}

}  // namespace
}  // namespace faultlab::testing
