// End-to-end: components built with the SDK (tests/sdk/test_components.cc,
// linked into sdk_test_host), run by the real faultlab in every placement,
// with fault points armed from the scenario.
#include <gtest/gtest.h>

#include <fstream>

#include "tests/e2e_util.h"

namespace faultlab::testing {
namespace {

using nlohmann::json;

std::string Host() { return BinaryDir() + "/bin/sdk_test_host"; }

// A client and an echo server over two sockets, with `faults` appended.
std::string EchoScenario(const std::string& faults,
                         const std::string& expect = "") {
  std::string path = TempDir() + "/echo.yaml";
  std::ofstream(path) << "name: echo\nseed: 3\ndeadline_ms: 4000\nhost: "
                      << Host() << R"(
workers:
  - {component: client, config: {requests: 40, prefix: q}}
  - {component: echo}
channels:
  - {kind: socket, from: client, to: echo}
  - {kind: socket, from: echo, to: client}
placements: [thread, process, {pair: [[client, echo]]}]
)" << faults << expect;
  return path;
}

TEST(E2eSdkTest, ComponentsRunInEveryPlacementWithTheirConfig) {
  RunOutput r = RunFaultlab({"run", EchoScenario("")});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  for (const char* pl : {"thread", "process", "pair"}) {
    const json& client = Worker(r.json, pl, "client[0]");
    EXPECT_EQ(client["outcome"], "completed") << pl;
    EXPECT_EQ(client["role"], "component") << pl;
    EXPECT_EQ(client["messages"], 40) << pl;  // Progress() per reply
    EXPECT_EQ(Worker(r.json, pl, "echo[0]")["outcome"], "completed") << pl;
  }
  EXPECT_NE(Worker(r.json, "process", "client[0]")["pid"],
            Worker(r.json, "process", "echo[0]")["pid"]);
  // Its log lines reach the trial's stderr, prefixed with the worker.
  EXPECT_NE(Trial(r.json, "thread")["stderr"].get<std::string>().find(
                "client[0]: 40 requests, 0 error replies"),
            std::string::npos);
}

TEST(E2eSdkTest, AFaultPointCrashesItsWorkerAtTheNthHit) {
  RunOutput r = RunFaultlab({"run", EchoScenario(R"(faults:
  - {target: echo, at: echo.reply, kind: segfault, trigger: {after_hits: 5}}
)")});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;  // no expect: fired suffices
  for (const char* pl : {"thread", "process"}) {
    const json& f = Trial(r.json, pl)["faults"][0];
    EXPECT_TRUE(f["fired"].get<bool>()) << pl;
    EXPECT_EQ(f["point"]["name"], "echo.reply");
    EXPECT_EQ(f["point"]["armed"], 1) << pl;  // the echo's process armed it
    EXPECT_EQ(f["point"]["reached"], 5) << pl;
    EXPECT_EQ(f["point"]["fired"], 1) << pl;
    EXPECT_EQ(Worker(r.json, pl, "echo[0]")["outcome"], "crashed") << pl;
  }
  EXPECT_EQ(Worker(r.json, "thread", "client[0]")["outcome"], "collateral");
  // Apart, the client sees the echo go and says so.
  const json& client = Worker(r.json, "process", "client[0]");
  EXPECT_EQ(client["outcome"], "disconnected");
  EXPECT_EQ(client["detail"], "echo went away before replying");
  // In thread placement both workers' process armed it once.
  EXPECT_NE(r.out.find("echo.reply"), std::string::npos) << r.out;
}

TEST(E2eSdkTest, AnErrorActionIsHandledByTheCodeEveryNthHit) {
  RunOutput r = RunFaultlab({"run", EchoScenario(R"(faults:
  - {target: echo, at: echo.reply, kind: error, trigger: {every: 4}}
)",
                                                 R"(expect:
  thread: {others: completed, target: completed}
  process: {contained: true}
  pair: {contained: true}
)")});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const json& f = Trial(r.json, "process")["faults"][0];
  EXPECT_EQ(f["point"]["reached"], 40);
  EXPECT_EQ(f["point"]["fired"], 10);
  EXPECT_NE(Trial(r.json, "process")["stderr"].get<std::string>().find(
                "client[0]: 40 requests, 10 error replies"),
            std::string::npos);
}

TEST(E2eSdkTest, APointThatNeverFiresIsNotExercised) {
  RunOutput r = RunFaultlab({"run", EchoScenario(R"(faults:
  - {target: echo, at: echo.reply, kind: abort, trigger: {after_hits: 1000}}
)")});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  const json& f = Trial(r.json, "thread")["faults"][0];
  EXPECT_FALSE(f["fired"].get<bool>());
  EXPECT_EQ(f["point"]["reached"], 40);
  EXPECT_EQ(f["point"]["fired"], 0);
  EXPECT_NE(r.out.find("not exercised: the fault (at echo.reply, hit 1000) "
                       "never fired"),
            std::string::npos)
      << r.out;
}

TEST(E2eSdkTest, ParallelTrialsShareNoPointState) {
  RunOutput r = RunFaultlab({"run", EchoScenario(R"(faults:
  - {target: echo, at: echo.reply, kind: delay, delay_ms: 2, trigger: {every: 10}}
)"),
                             "--jobs", "2", "--repeat", "3"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  for (const json& p : r.json["scenarios"][0]["placements"])
    for (const json& t : p["trials"]) {
      EXPECT_EQ(t["faults"][0]["point"]["reached"], 40) << p["placement"];
      EXPECT_EQ(t["faults"][0]["point"]["fired"], 4) << p["placement"];
    }
}

// Several points in one worker, each fault with its own counts; a park
// whose point is never reached ends at its timeout, and the run goes on.
TEST(E2eSdkTest, SeveralPointsInOneWorkerAndAParkThatTimesOut) {
  RunOutput r = RunFaultlab({"run", EchoScenario(R"(faults:
  - {target: echo, at: echo.reply, kind: error, trigger: {every: 4}}
  - {target: echo, at: echo.request, kind: error, trigger: {every: 10}}
  - {target: echo, at: echo.reply, kind: park, timeout_ms: 50,
     until: {worker: client, at: echo.request}}
)",
                                                 R"(expect:
  thread: {others: completed, target: completed}
  process: {others: completed, target: completed}
  pair: {others: completed, target: completed}
)")});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  for (const char* pl : {"thread", "process", "pair"}) {
    const json& f = Trial(r.json, pl)["faults"];
    ASSERT_EQ(f.size(), 3u) << pl;
    EXPECT_EQ(f[0]["point"]["name"], "echo.reply") << pl;
    EXPECT_EQ(f[0]["point"]["reached"], 40) << pl;
    EXPECT_EQ(f[0]["point"]["fired"], 10) << pl;
    EXPECT_EQ(f[1]["point"]["name"], "echo.request") << pl;
    EXPECT_EQ(f[1]["point"]["reached"], 40) << pl;
    EXPECT_EQ(f[1]["point"]["fired"], 4) << pl;
    EXPECT_EQ(f[2]["point"]["fired"], 1) << pl;
    const json& park = f[2]["point"]["park"];
    EXPECT_EQ(park["until_reached"], 0) << pl;  // the client has no such point
    EXPECT_EQ(park["woken_by_timeout"], 1) << pl;
    EXPECT_EQ(park["woken_by_point"], 0) << pl;
    EXPECT_TRUE(f[2]["fired"].get<bool>()) << pl;
    // Hits 4, 8, ... of one point and 10, 20, ... of the other: 12 requests.
    EXPECT_NE(Trial(r.json, pl)["stderr"].get<std::string>().find(
                  "client[0]: 40 requests, 12 error replies"),
              std::string::npos)
        << pl;
  }
}

// The shipped race (scenarios/park_order.yaml): the park holds the sink
// until its producer has finished, so the sink's crash comes after the
// producer's end in every placement.
TEST(E2eSdkTest, AParkOrdersACrashAfterAPeersEnd) {
  RunOutput r = RunFaultlab(
      {"run", SourceDir() + "/scenarios/park_order.yaml", "--repeat", "2"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  for (const json& p : r.json["scenarios"][0]["placements"])
    for (const json& t : p["trials"]) {
      const json& park = t["faults"][0];
      const json& crash = t["faults"][1];
      EXPECT_EQ(park["kind"], "park");
      EXPECT_EQ(park["point"]["park"]["until_reached"], 1) << p["placement"];
      EXPECT_EQ(park["point"]["park"]["woken_by_point"], 1) << p["placement"];
      EXPECT_EQ(crash["point"]["reached"], 5) << p["placement"];
      EXPECT_EQ(crash["point"]["fired"], 1) << p["placement"];
      EXPECT_LT(park["fired_ms"].get<double>(),
                crash["fired_ms"].get<double>());
      for (const json& w : t["workers"])
        EXPECT_EQ(w["outcome"],
                  w["name"] == "sink[0]" ? "crashed" : "completed")
            << p["placement"] << " " << w["name"];
    }
}

TEST(E2eSdkTest, AComponentOrPointTheHostLacksIsBadInput) {
  std::string path = EchoScenario("");
  {
    std::ifstream in(path);
    std::string text((std::istreambuf_iterator<char>(in)),
                     std::istreambuf_iterator<char>());
    text.replace(text.find("component: echo"), 15,
                 "component: ecko, name: echo");
    std::ofstream(path) << text;
  }
  RunOutput r = RunFaultlab({"run", path}, false);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(path + ":7:17: error: host " + Host() +
                       " has no component 'ecko'; did you mean 'echo'?"),
            std::string::npos)
      << r.err;
  r = RunFaultlab({"validate", EchoScenario(R"(faults:
  - {target: echo, at: echo.replay, kind: abort}
)")},
                  false);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(":13:24: error: host " + Host() +
                       " has no fault point 'echo.replay'; did you mean "
                       "'echo.reply'?"),
            std::string::npos)
      << r.err;
}

TEST(E2eSdkTest, ADeadlockOnSdkMutexesIsFoundAndExplained) {
  std::string path = TempDir() + "/locks.yaml";
  std::ofstream(path) << "name: locks\nseed: 1\ndeadline_ms: 4000\nhost: "
                      << Host() << R"(
workers:
  - {component: locker, name: left, config: {order: ab}}
  - {component: locker, name: right, config: {order: ba}}
fault: {kind: none}
expect:
  thread: {workers: {left: hung, right: hung}}
  process: {others: completed}
)";
  RunOutput r = RunFaultlab({"run", path});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const json& hang = Trial(r.json, "thread")["hang"];
  ASSERT_TRUE(hang.is_object()) << Trial(r.json, "thread").dump();
  std::string cycle = hang["cycle"].dump();
  EXPECT_NE(cycle.find("left[0] waits for right[0] (test.b)"),
            std::string::npos)
      << cycle;
  EXPECT_NE(cycle.find("right[0] waits for left[0] (test.a)"),
            std::string::npos)
      << cycle;
  // Well before the deadline: found by its cycle, not by the clock.
  EXPECT_LT(Trial(r.json, "thread")["duration_ms"].get<double>(), 3000);
}

}  // namespace
}  // namespace faultlab::testing
