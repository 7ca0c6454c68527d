// End-to-end: the memory-overwrite scenarios, each run several times (the
// outcome must not depend on luck), checking the outcomes and the evidence
// in every trial: which records and bytes, where a write landed, what each
// worker read, glibc's own message, and both threads of a delayed abort.
#include <gtest/gtest.h>

#include <string>

#include "tests/e2e_util.h"

namespace faultlab::testing {
namespace {

using nlohmann::json;

constexpr int kRepeat = 5;

bool Contains(const json& j, const std::string& s) {
  return j.get<std::string>().find(s) != std::string::npos;
}

// Every trial of placement `placement`, asserting there are kRepeat.
const json& Trials(const json& result, const std::string& placement) {
  for (const auto& p : result.at("scenarios").at(0).at("placements"))
    if (p.at("placement") == placement) {
      EXPECT_TRUE(p.at("passed").get<bool>()) << placement;
      EXPECT_EQ(p.at("trials").size(), size_t(kRepeat)) << placement;
      return p.at("trials");
    }
  ADD_FAILURE() << "no placement " << placement;
  static const json empty = json::array();
  return empty;
}

const json& WorkerOf(const json& trial, const std::string& name) {
  for (const auto& w : trial.at("workers"))
    if (w.at("name") == name) return w;
  ADD_FAILURE() << "no worker " << name;
  static const json none = json::object();
  return none;
}

RunOutput RunRepeated(const std::string& scenario) {
  RunOutput r = RunFaultlab(
      {"run", Scenario(scenario), "--repeat", std::to_string(kRepeat)});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(r.json.is_object());
  return r;
}

TEST(E2eHeapTest, SiblingWriteCorruptsThreadsButNotProcesses) {
  RunOutput r = RunRepeated("heap_corrupt.yaml");
  ASSERT_TRUE(r.json.value("passed", false));
  for (const json& t : Trials(r.json, "thread")) {
    EXPECT_GT(t["blast_radius"].get<int>(), 0);
    const json& relay = WorkerOf(t, "relay[0]");
    EXPECT_EQ(relay["outcome"], "corrupted");
    // Which records, how many bytes, what they hold now.
    EXPECT_TRUE(Contains(relay["detail"], "2 heap records (0-1 of 64"))
        << relay["detail"];
    EXPECT_TRUE(Contains(relay["detail"], "64 bytes differ")) << relay;
    EXPECT_TRUE(Contains(relay["detail"], "now 0xab")) << relay;
    const json& cache = WorkerOf(t, "cache[0]");
    EXPECT_TRUE(Contains(cache["detail"], "relay[0]'s live state"))
        << cache["detail"];
    for (const char* w : {"producer[0]", "sink[0]", "sink[1]"})
      EXPECT_EQ(WorkerOf(t, w)["outcome"], "completed") << w;
  }
  for (const json& t : Trials(r.json, "process")) {
    EXPECT_EQ(t["blast_radius"], 0);
    for (const char* w : {"producer[0]", "relay[0]", "sink[0]", "sink[1]"})
      EXPECT_EQ(WorkerOf(t, w)["outcome"], "completed") << w;
    for (const char* w : {"sink[0]", "sink[1]"})
      EXPECT_TRUE(WorkerOf(t, w)["verified"].get<bool>()) << w;
    // The report says where the write landed in the writer's own process.
    const json& cache = WorkerOf(t, "cache[0]");
    const bool unmapped = Contains(cache["detail"], "unmapped in pid");
    const bool own = Contains(cache["detail"], "its own");
    EXPECT_TRUE(unmapped || own) << cache["detail"];
    if (unmapped) {
      EXPECT_EQ(cache["outcome"], "crashed");
      EXPECT_TRUE(Contains(cache["detail"], "SEGV_MAPERR")) << cache;
    }
  }
}

TEST(E2eHeapTest, SharedBoardIsSeenByThreadsOnly) {
  RunOutput r = RunRepeated("shared_heap.yaml");
  ASSERT_TRUE(r.json.value("passed", false));
  for (const json& t : Trials(r.json, "thread"))
    for (const char* w : {"producer[0]", "sink[0]", "sink[1]"}) {
      const json& x = WorkerOf(t, w);
      EXPECT_EQ(x["outcome"], "corrupted") << w;
      EXPECT_TRUE(Contains(x["detail"], "read 0xabababababababab"))
          << x["detail"];
      EXPECT_TRUE(Contains(x["detail"], "written by relay[0]")) << x["detail"];
    }
  for (const json& t : Trials(r.json, "process"))
    for (const char* w : {"producer[0]", "sink[0]", "sink[1]"}) {
      const json& x = WorkerOf(t, w);
      EXPECT_EQ(x["outcome"], "completed") << w;
      EXPECT_TRUE(Contains(x["detail"], "read 0x0000000000000000"))
          << x["detail"];
    }
}

TEST(E2eHeapTest, ShmGarbageReachesThePeerProcess) {
  RunOutput r = RunRepeated("shm_corrupt.yaml");
  ASSERT_TRUE(r.json.value("passed", false));
  for (const char* pl : {"thread", "process"})
    for (const json& t : Trials(r.json, pl)) {
      const json& sink = WorkerOf(t, "sink[0]");
      EXPECT_EQ(sink["outcome"], "corrupted") << pl;
      EXPECT_FALSE(sink["verified"].get<bool>()) << pl;
      const json& relay = WorkerOf(t, "relay[0]");
      EXPECT_TRUE(Contains(relay["detail"], "into shm ring relay[0]->sink[0]"))
          << relay;
      EXPECT_TRUE(Contains(relay["detail"], "the reader had not read yet") ||
                  Contains(relay["detail"], "before the reader could read it"))
          << relay;
      EXPECT_NE(relay["pid"] == sink["pid"], std::string(pl) == "process");
    }
}

TEST(E2eHeapTest, DelayedAllocatorAbortInTheSiblingsThread) {
  RunOutput r = RunRepeated("heap_sibling_overflow.yaml");
  ASSERT_TRUE(r.json.value("passed", false));
  for (const json& t : Trials(r.json, "thread")) {
    const json& relay = WorkerOf(t, "relay[0]");
    EXPECT_EQ(relay["outcome"], "collateral");
    const std::string d = relay["detail"];
    // Both threads, the time between write and death, glibc's words.
    EXPECT_NE(d.find("in thread relay[0]"), std::string::npos) << d;
    EXPECT_NE(d.find("ms after cache[0]'s fault (thread cache[0]"),
              std::string::npos)
        << d;
    EXPECT_NE(d.find("glibc: munmap_chunk(): invalid pointer"),
              std::string::npos)
        << d;
    EXPECT_EQ(t["crash"]["worker"], "relay[0]");
    EXPECT_EQ(t["crash"]["signal"], "SIGABRT");
    EXPECT_TRUE(Contains(t["stderr"], "munmap_chunk(): invalid pointer"));
  }
}

TEST(E2eHeapTest, DoubleFreeAbortsWithGlibcsMessage) {
  RunOutput r = RunRepeated("double_free.yaml");
  ASSERT_TRUE(r.json.value("passed", false));
  for (const char* pl : {"thread", "process"})
    for (const json& t : Trials(r.json, pl)) {
      const json& relay = WorkerOf(t, "relay[0]");
      EXPECT_EQ(relay["outcome"], "crashed");
      EXPECT_TRUE(Contains(relay["detail"],
                           "glibc: free(): double free detected in tcache"))
          << relay["detail"];
    }
}

TEST(E2eHeapTest, OverflowIsCaughtLaterByTheAllocator) {
  RunOutput r = RunRepeated("heap_overflow.yaml");
  ASSERT_TRUE(r.json.value("passed", false));
  for (const json& t : Trials(r.json, "thread")) {
    const json& relay = WorkerOf(t, "relay[0]");
    EXPECT_EQ(relay["outcome"], "crashed");
    EXPECT_TRUE(Contains(relay["detail"], "glibc: ")) << relay["detail"];
    EXPECT_TRUE(Contains(relay["detail"], "past the end of its 2048-byte"))
        << relay["detail"];
    EXPECT_GE(t["processes"][0]["died_ms"].get<double>(),
              t["fault_fired_ms"].get<double>());
  }
}

TEST(E2eHeapTest, UseAfterFreeCorruptsOnlyTheWriter) {
  RunOutput r = RunRepeated("use_after_free.yaml");
  ASSERT_TRUE(r.json.value("passed", false));
  for (const char* pl : {"thread", "process"})
    for (const json& t : Trials(r.json, pl)) {
      EXPECT_EQ(t["blast_radius"], 0);
      const json& relay = WorkerOf(t, "relay[0]");
      EXPECT_EQ(relay["outcome"], "corrupted");
      EXPECT_TRUE(Contains(relay["detail"], "reused chunk: 2 heap records"))
          << relay["detail"];
    }
}

}  // namespace
}  // namespace faultlab::testing
