#include "harness/result_stream.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

#include "harness/verdict.h"
#include "reports/junit_report.h"

namespace faultlab {
namespace {

using nlohmann::json;

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int Count(const std::string& text, const std::string& what) {
  int n = 0;
  for (size_t at = text.find(what); at != std::string::npos;
       at = text.find(what, at + 1))
    ++n;
  return n;
}

TrialResult MakeTrial(int i) {
  TrialResult t;
  t.seed = 100 + i;
  t.duration_ms = 1.25 * i;
  WorkerResult w;
  w.name = "relay[0]";
  w.role = "relay";
  w.outcome = i % 2 ? Outcome::kCrashed : Outcome::kCompleted;
  w.signal = "SIGSEGV";
  w.detail = "a \"quoted\" <detail> & more";
  w.progress = {{0.5, 1}, {1.5, 3}};
  t.workers.push_back(w);
  StackResult crash;
  crash.worker = "relay[0]";
  crash.frames.push_back({"Inner", "workers/x.cc", 12, 0x1234, "w", true});
  crash.frames.push_back({"Outer", "workers/x.cc", 40, 0x1234, "w", false});
  t.crash = crash;
  t.stderr_text = i % 3 ? "" : "faultlab-worker: line one\nline two\n";
  return t;
}

class ResultStreamTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/faultlab-stream-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    run_.started = "2026-12-02T10:00:00Z";
    run_.command = "faultlab run a.yaml b.yaml";
    run_.seed_override = 7;
  }
  void TearDown() override {
    unlink((dir_ + "/r.json").c_str());
    unlink((dir_ + "/j.xml").c_str());
    rmdir(dir_.c_str());
  }

  // Adds trial `rep` of `placement` in scenario `name` the way `faultlab
  // run` does, failing its check when `fail`.
  void AddTrial(ResultStream* s, const std::string& name,
                const std::string& placement, int rep, bool fail) {
    if (run_.scenarios.empty() || run_.scenarios.back().name != name) {
      ScenarioResult sr;
      sr.name = name;
      sr.file = name + ".yaml";
      sr.faults.push_back({"relay",
                           "segfault",
                           "null_write",
                           "after 40 messages",
                           {"relay[0]"}});
      run_.scenarios.push_back(sr);
    }
    ScenarioResult& sr = run_.scenarios.back();
    if (sr.placements.empty() || sr.placements.back().placement != placement) {
      sr.placements.emplace_back();
      sr.placements.back().placement = placement;
      sr.placements.back().groups = {{"relay[0]"}};
    }
    PlacementResult& pr = sr.placements.back();
    TrialResult t = MakeTrial(rep);
    t.repetition = rep;
    t.checks = {{"target crashed", !fail, fail ? "completed" : "crashed"}};
    JudgeTrial(&t);
    pr.trials.push_back(t);
    JudgePlacement(&pr);
    sr.passed = sr.passed && pr.passed;
    std::vector<CheckResult> checks = t.checks;
    ASSERT_TRUE(s->Add(run_, checks));
  }

  std::string dir_;
  RunResult run_;
};

TEST_F(ResultStreamTest, FilesHoldEveryFinishedTrialAfterEachOne) {
  const std::string json_path = dir_ + "/r.json", xml_path = dir_ + "/j.xml";
  std::unique_ptr<ResultStream> s =
      ResultStream::Open(json_path, xml_path, run_);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(json::parse(Slurp(json_path)), ToJson(run_));
  int trials = 0;
  struct Step {
    const char* scenario;
    const char* placement;
    int reps;
  };
  for (Step step : {Step{"a", "thread", 3}, Step{"a", "process", 2},
                    Step{"b", "thread", 4}}) {
    for (int rep = 0; rep < step.reps; ++rep) {
      AddTrial(s.get(), step.scenario, step.placement, rep, rep == 1);
      ++trials;
      // What a reader finds if the supervisor died right here.
      json on_disk = json::parse(Slurp(json_path), nullptr, false);
      ASSERT_FALSE(on_disk.is_discarded()) << Slurp(json_path);
      EXPECT_EQ(on_disk, ToJson(run_)) << "after trial " << trials;
      std::string xml = Slurp(xml_path);
      EXPECT_EQ(Count(xml, "<testcase "), trials);
      EXPECT_EQ(Count(xml, "</testcase>"), trials);
      EXPECT_EQ(Count(xml, "<testsuite "), int(run_.scenarios.size()));
      EXPECT_EQ(Count(xml, "</testsuite>"), int(run_.scenarios.size()));
      EXPECT_NE(xml.find("<testsuites name=\"faultlab\" tests=\"" +
                         std::to_string(trials) + "\""),
                std::string::npos)
          << xml.substr(0, 200);
      EXPECT_EQ(xml.substr(xml.size() - 14), "</testsuites>\n");
    }
  }
  std::string xml = Slurp(xml_path);
  EXPECT_NE(xml.find("name=\"b [thread #4]\" file=\"b.yaml\""),
            std::string::npos);
  // Trials 2 of a/thread, a/process and b/thread failed their check.
  EXPECT_EQ(Count(xml, "<failure "), 3);

  run_.complete = true;
  ASSERT_TRUE(s->Finish(run_, ToJson(run_)));
  EXPECT_EQ(json::parse(Slurp(json_path)), ToJson(run_));
  EXPECT_TRUE(json::parse(Slurp(json_path))["complete"].get<bool>());
  // The end leaves the per-placement document, as `faultlab report` makes.
  EXPECT_EQ(Slurp(xml_path), reports::RenderJunit(ToJson(run_)));
}

TEST_F(ResultStreamTest, EmptyRunIsWellFormed) {
  const std::string json_path = dir_ + "/r.json", xml_path = dir_ + "/j.xml";
  std::unique_ptr<ResultStream> s =
      ResultStream::Open(json_path, xml_path, run_);
  ASSERT_NE(s, nullptr);
  ASSERT_TRUE(s->Finish(run_, ToJson(run_)));
  EXPECT_EQ(json::parse(Slurp(json_path)), ToJson(run_));
  EXPECT_EQ(Slurp(xml_path), reports::RenderJunit(ToJson(run_)));
}

TEST_F(ResultStreamTest, OnlyTheFilesAskedForAreWritten) {
  std::unique_ptr<ResultStream> s =
      ResultStream::Open(dir_ + "/r.json", "", run_);
  ASSERT_NE(s, nullptr);
  AddTrial(s.get(), "a", "thread", 0, false);
  EXPECT_EQ(access((dir_ + "/j.xml").c_str(), F_OK), -1);
  EXPECT_EQ(json::parse(Slurp(dir_ + "/r.json")), ToJson(run_));
}

TEST_F(ResultStreamTest, UnwritablePathIsRefused) {
  EXPECT_EQ(ResultStream::Open(dir_ + "/no/such/dir/r.json", "", run_),
            nullptr);
}

}  // namespace
}  // namespace faultlab
