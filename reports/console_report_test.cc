#include "reports/console_report.h"

#include <gtest/gtest.h>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "reports/internal/sample_result.h"

namespace faultlab::reports {
namespace {

using nlohmann::json;

TEST(ConsoleReportTest, PrintsHeaderPlacementsAndAlignedRows) {
  json r = internal::LoadSampleResult();
  std::string text = RenderConsole(r["scenarios"][0]);
  EXPECT_TRUE(absl::StartsWith(text, "segfault  as expected"));
  EXPECT_TRUE(absl::StrContains(
      text, "  thread   PASS  seed 42  blast 2/2  61.3 ms\n"));
  EXPECT_TRUE(absl::StrContains(
      text, "  process  PASS  seed 42  blast 0/2  212.9 ms\n"));
  EXPECT_TRUE(absl::StrContains(
      text, "    worker       outcome     pid   signal   detail\n"));
  EXPECT_TRUE(absl::StrContains(text,
                                "    relay[0]     crashed     4211  SIGSEGV  "
                                "SIGSEGV SEGV_MAPERR at 0x0 in relay[0]\n"));
  EXPECT_TRUE(
      absl::StrContains(text,
                        "    crash: relay[0] SIGSEGV SEGV_MAPERR at "
                        "0x0000000000000000 thread relay[0] tid 4213\n"));
  EXPECT_TRUE(absl::StrContains(
      text,
      "      #0 faultlab::workers::InjectNullWrite workers/faults.cc:88\n"));
  EXPECT_TRUE(absl::StrContains(
      text, "      #3 start_thread libc.so.6 0x7f3a1c094ac3\n"));
  EXPECT_FALSE(absl::StrContains(text, "\x1b["));
}

TEST(ConsoleReportTest, ComparesPlacementsAndShowsAGroupingsProcesses) {
  json r = internal::LoadSampleWithGrouping();
  std::string text = RenderConsole(r["scenarios"][0]);
  EXPECT_TRUE(absl::StrContains(
      text,
      "  placements: thread blast 2/2 · process blast 0/2 · split blast "
      "0/2\n"));
  EXPECT_TRUE(absl::StrContains(
      text, "  split    processes: {producer[0] relay[0]} {sink[0]}\n"));
  EXPECT_TRUE(absl::StrContains(text, "  split    PASS  seed 42"));
  text = RenderConsole(r["scenarios"][1]);
  EXPECT_TRUE(absl::StrContains(text, "  placements: thread blast"));
  EXPECT_TRUE(absl::StrContains(text, " FAIL · process"));
}

// abort() sends SIGABRT with SI_TKILL: there is no fault address to show.
TEST(ConsoleReportTest, SentSignalsShowNoAddress) {
  json r = internal::LoadSampleResult();
  json& crash = r["scenarios"][0]["placements"][0]["trials"][0]["crash"];
  crash["signal"] = "SIGABRT";
  crash["si_code"] = "SI_TKILL";
  std::string text = RenderConsole(r["scenarios"][0]);
  EXPECT_TRUE(absl::StrContains(
      text, "    crash: relay[0] SIGABRT SI_TKILL thread relay[0] tid 4213\n"))
      << text;
}

TEST(ConsoleReportTest, SaysWhenATrialRanToItsDeadline) {
  json r = internal::LoadSampleResult();
  json& trial = r["scenarios"][0]["placements"][0]["trials"][0];
  trial["deadline_hit"] = true;
  EXPECT_TRUE(absl::StrContains(
      RenderConsole(r["scenarios"][0]),
      "  thread   PASS  seed 42  blast 2/2  61.3 ms (ran to the deadline)\n"));
  trial["deadline_hit"] = false;
  EXPECT_FALSE(absl::StrContains(RenderConsole(r["scenarios"][0]),
                                 "ran to the deadline"));
}

TEST(ConsoleReportTest, ListsFailedExpectationsAndHang) {
  json r = internal::LoadSampleResult();
  std::string text = RenderConsole(r["scenarios"][1]);
  EXPECT_TRUE(absl::StartsWith(text, "deadlock  NOT as expected"));
  EXPECT_TRUE(absl::StrContains(text, "  thread   FAIL  seed 7"));
  EXPECT_TRUE(absl::StrContains(text,
                                "    expectation failed: others are completed "
                                "(actual: locker[1] hung)\n"));
  EXPECT_TRUE(absl::StrContains(
      text, "      locker[0] waits for lock B held by locker[1]\n"));
}

TEST(ConsoleReportTest, CapsFramesAtEight) {
  json r = internal::LoadSampleResult();
  json& frames =
      r["scenarios"][0]["placements"][0]["trials"][0]["crash"]["frames"];
  while (frames.size() < 12) frames.push_back(frames[0]);
  std::string text = RenderConsole(r["scenarios"][0]);
  EXPECT_TRUE(absl::StrContains(text, "      #7 "));
  EXPECT_FALSE(absl::StrContains(text, "      #8 "));
  EXPECT_TRUE(absl::StrContains(text, "... 4 more frames"));
}

TEST(ConsoleReportTest, ColourOnlyWhenAsked) {
  json r = internal::LoadSampleResult();
  std::string text = RenderConsole(r["scenarios"][0], /*color=*/true);
  EXPECT_TRUE(absl::StrContains(text, "\x1b[1;31mcrashed"));
  EXPECT_TRUE(absl::StrContains(text, "\x1b[1;32mPASS\x1b[0m"));
}

TEST(ConsoleReportTest, InputCannotDriveTheTerminal) {
  json r = internal::LoadSampleResult();
  r["scenarios"][0]["placements"][0]["trials"][0]["workers"][0]["detail"] =
      "\x1b[2J\x07gone";
  std::string text = RenderConsole(r["scenarios"][0]);
  EXPECT_FALSE(absl::StrContains(text, "\x1b"));
  EXPECT_FALSE(absl::StrContains(text, "\x07"));
}

TEST(ConsoleReportTest, RepeatedTrialsShowRatesAndOnlyTheFailingTrial) {
  json s = internal::RepeatedSample();
  std::string text = RenderConsole(s, ConsoleOptions{});
  EXPECT_TRUE(absl::StrContains(text,
                                "  thread   FAIL  2/3 (67%, 95% CI 21%–94%) "
                                "trials passed  seeds 42–44\n"))
      << text;
  EXPECT_TRUE(absl::StrContains(text,
                                "      relay[0]     completed ×1  "
                                "crashed ×2\n"))
      << text;
  EXPECT_TRUE(absl::StrContains(
      text,
      "    ✗ relay[0] is crashed: held in 2/3 (67%, 95% CI 21%–94%), needs "
      "every trial; found crashed ×2, completed ×1\n"))
      << text;
  EXPECT_TRUE(absl::StrContains(text, "    2 passing trials not shown"));
  // Only the failing trial, with its own verdict, failure and rerun line.
  EXPECT_FALSE(absl::StrContains(text, "trial 1/3")) << text;
  EXPECT_TRUE(absl::StrContains(
      text, "  trial 3/3 FAIL  seed 44  blast 2/2  61.3 ms\n"))
      << text;
  EXPECT_TRUE(absl::StrContains(
      text,
      "    expectation failed: relay[0] is crashed (actual: completed)\n"));
  EXPECT_EQ(internal::Count(text, "expectation failed:"), 1);
  EXPECT_TRUE(
      absl::StrContains(text,
                        "    rerun: faultlab run scenarios/segfault.yaml "
                        "--placement thread --seed 44\n"));
  // -v: every trial, each with its own verdict.
  std::string all = RenderConsole(s, ConsoleOptions{.verbose = true});
  EXPECT_TRUE(absl::StrContains(all, "  trial 1/3 PASS  seed 42")) << all;
  EXPECT_TRUE(absl::StrContains(all, "  trial 2/3 PASS  seed 43"));
  EXPECT_TRUE(absl::StrContains(all, "  trial 3/3 FAIL  seed 44"));
  EXPECT_FALSE(absl::StrContains(all, "not shown"));
  EXPECT_EQ(internal::Count(all, "expectation failed:"), 1);
}

TEST(ConsoleReportTest, ARateCheckSaysWhatItNeeds) {
  json s = internal::RepeatedSample();
  json& c = s["placements"][0]["expectations"][0];
  c["required_rate"] = 0.6;
  c["passed"] = true;
  std::string text = RenderConsole(s, ConsoleOptions{});
  EXPECT_TRUE(absl::StrContains(
      text,
      "    ✓ relay[0] is crashed: held in 2/3 (67%, 95% CI 21%–94%), "
      "needs ≥ 60% of trials\n"))
      << text;
}

TEST(ConsoleReportTest, ToleratesOddInput) {
  for (const json& odd :
       {json(), json::object(), json(3), json({{"placements", {nullptr}}}),
        json({{"placements", {{{"trials", {json::object()}}}}}})}) {
    EXPECT_NO_THROW(RenderConsole(odd)) << odd.dump();
  }
}

}  // namespace
}  // namespace faultlab::reports
