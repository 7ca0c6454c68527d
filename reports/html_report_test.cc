#include "reports/html_report.h"

#include <gtest/gtest.h>

#include <chrono>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "reports/internal/sample_result.h"

namespace faultlab::reports {
namespace {

using nlohmann::json;

using internal::Count;

TEST(HtmlReportTest, ShowsVerdictsOutcomesAndFrames) {
  std::string html = RenderHtml(internal::LoadSampleResult());
  EXPECT_TRUE(absl::StartsWith(html, "<!DOCTYPE html>"));
  EXPECT_TRUE(absl::StrContains(html, "2</b> scenarios"));
  EXPECT_TRUE(absl::StrContains(html, "3 passed</b> / "));
  EXPECT_TRUE(absl::StrContains(html, "1 failed</b> placements"));
  EXPECT_TRUE(absl::StrContains(html, "✔ as expected"));
  EXPECT_TRUE(
      absl::StrContains(html, "✘ thread: expected others are completed"));
  for (const char* outcome :
       {"crashed", "collateral", "disconnected", "hung", "completed"}) {
    EXPECT_TRUE(absl::StrContains(html, absl::StrCat("lane o-", outcome)))
        << outcome;
  }
  EXPECT_TRUE(absl::StrContains(html, "faultlab::workers::InjectNullWrite"));
  EXPECT_TRUE(absl::StrContains(html, "workers/faults.cc:88"));
  EXPECT_TRUE(absl::StrContains(html, "SEGV_MAPERR"));
  EXPECT_TRUE(
      absl::StrContains(html, "locker[0] waits for lock B held by locker[1]"));
  EXPECT_TRUE(absl::StrContains(html, "actual: locker[1] hung"));
  EXPECT_TRUE(absl::StrContains(html, "blast 2/2"));
  EXPECT_TRUE(absl::StrContains(html, "blast 0/2"));
}

TEST(HtmlReportTest, EveryPlacementGetsASummaryColumnAndASection) {
  std::string html = RenderHtml(internal::LoadSampleWithGrouping());
  EXPECT_TRUE(absl::StrContains(
      html,
      "<th>thread placement</th><th>process placement</th><th>split "
      "placement</th><th>verdict</th>"));
  EXPECT_EQ(Count(html, "data-label=\"split placement\""), 2);  // one a row
  EXPECT_TRUE(absl::StrContains(html, "<h3>split placement</h3>"));
  EXPECT_TRUE(
      absl::StrContains(html, "processes: {producer[0] relay[0]} {sink[0]}"));
  // The built-ins' layout is their name; it is not spelt out.
  EXPECT_EQ(Count(html, "processes: {"), 1);
}

TEST(HtmlReportTest, SaysWhenATrialRanToItsDeadline) {
  json result = internal::LoadSampleResult();
  EXPECT_FALSE(absl::StrContains(RenderHtml(result), "ran to the deadline"));
  result["scenarios"][0]["placements"][1]["trials"][0]["deadline_hit"] = true;
  EXPECT_EQ(Count(RenderHtml(result), "(ran to the deadline)"), 1);
}

TEST(HtmlReportTest, LongCommandLineFoldsAway) {
  json result = internal::LoadSampleResult();
  result["command"] = "faultlab run scenarios/segfault.yaml";
  std::string html = RenderHtml(result);
  EXPECT_TRUE(absl::StrContains(
      html, "<p class=\"meta mono\">faultlab run scenarios/segfault.yaml"));
  EXPECT_FALSE(absl::StrContains(html, "details class=\"meta cmd\""));

  std::string long_command = "faultlab run";
  for (int i = 0; i < 20; ++i) {
    absl::StrAppend(&long_command, " /long/checkout/scenarios/s", i, ".yaml");
  }
  result["command"] = long_command;
  html = RenderHtml(result);
  EXPECT_TRUE(absl::StrContains(
      html, absl::StrCat("<details class=\"meta cmd\"><summary>command line",
                         " · faultlab ")));
  EXPECT_TRUE(absl::StrContains(html, "/long/checkout/scenarios/s19.yaml"));
}

TEST(HtmlReportTest, DrawsBoxesTimelinesAndLinks) {
  std::string html = RenderHtml(internal::LoadSampleResult());
  EXPECT_EQ(Count(html, "<section class=\"scenario\""), 2);
  EXPECT_EQ(Count(html, "<svg "), 4);  // one per trial
  // One box per process: 1 + 3 in the segfault scenario, 1 + 3 in deadlock.
  EXPECT_EQ(Count(html, "<div class=\"proc\"") +
                Count(html, "<div class=\"proc dead\""),
            8);
  EXPECT_TRUE(absl::StrContains(html, "href=\"#s1-segfault\""));
  EXPECT_TRUE(absl::StrContains(html, "id=\"s1-segfault\""));
  EXPECT_TRUE(absl::StrContains(html, "<title>fault fired at 41.2 ms</title>"));
  EXPECT_TRUE(absl::StrContains(
      html, "pid 4211 killed by signal SIGSEGV (core dumped) at 41.3 ms"));
  EXPECT_TRUE(absl::StrContains(html, "eof on relay[0]-&gt;sink[0]"));
  EXPECT_EQ(Count(html, "<details open"),
            0);  // everything bulky starts collapsed
}

TEST(HtmlReportTest, LoadsNothingFromOutside) {
  std::string html = RenderHtml(internal::LoadSampleResult());
  EXPECT_FALSE(absl::StrContains(html, "http://"));
  EXPECT_FALSE(absl::StrContains(html, "https://"));
  EXPECT_FALSE(absl::StrContains(html, "src="));
  EXPECT_FALSE(absl::StrContains(html, "<link"));
  EXPECT_FALSE(absl::StrContains(html, "@import"));
  EXPECT_FALSE(absl::StrContains(html, "url("));
  EXPECT_EQ(Count(html, "<script>"), 1);
}

TEST(HtmlReportTest, EscapesEveryInjectedString) {
  json r = internal::LoadSampleResult();
  const std::string evil =
      "<script>alert(1)</script><img src=x onerror=alert(2)>\"'&";
  json& s = r["scenarios"][0];
  s["name"] = evil;
  s["description"] = evil;
  json& t = s["placements"][0]["trials"][0];
  t["stderr"] = evil + "\n\x01\x1b[31mred";
  t["workers"][0]["detail"] = evil;
  t["workers"][0]["name"] = evil;
  t["workers"][1]["outcome"] = evil;
  t["crash"]["frames"][0]["function"] = evil;
  t["processes"][0]["status"] = evil;
  t["workers"][2]["events"] =
      json::array({{{"t_ms", 3}, {"kind", evil}, {"channel", evil}}});
  s["placements"][0]["expectations"][0] = {
      {"check", evil}, {"passed", false}, {"actual", evil}};
  std::string html = RenderHtml(r);
  EXPECT_EQ(Count(html, "<script>"), 1);
  EXPECT_FALSE(absl::StrContains(html, "<img"));
  EXPECT_FALSE(absl::StrContains(html, "\x01"));
  EXPECT_FALSE(absl::StrContains(html, "\x1b"));
  EXPECT_TRUE(absl::StrContains(html, "&lt;script&gt;alert(1)&lt;/script&gt;"));
  EXPECT_TRUE(absl::StrContains(
      html, "o-unknown"));  // an unknown outcome keeps a safe class
}

TEST(HtmlReportTest, ToleratesMissingAndNullFields) {
  json r = internal::LoadSampleResult();
  json& t = r["scenarios"][0]["placements"][0]["trials"][0];
  t["crash"] = nullptr;
  t["hang"] = nullptr;
  t["fault_fired_ms"] = nullptr;
  t.erase("processes");
  t["workers"][0]["progress"] = json::array();
  t["workers"][1].erase("progress");
  t["workers"][1]["events"] = "not an array";
  t["workers"][2] = {{"name", nullptr}};
  r["scenarios"][1]["placements"][0]["trials"][0]["hang"]["stacks"][0]
   ["frames"] = nullptr;
  r["scenarios"][1].erase("fault");
  r["scenarios"][1]["placements"][1].erase("trials");
  r.erase("started");
  std::string html;
  ASSERT_NO_THROW(html = RenderHtml(r));
  EXPECT_TRUE(absl::StrContains(html, "no process record"));
  EXPECT_TRUE(absl::StrContains(html, "no trial recorded"));

  for (const json& odd :
       {json(), json::object(), json::array(), json("text"), json(42),
        json({{"scenarios", {nullptr, 1, json::object()}}})}) {
    ASSERT_NO_THROW(html = RenderHtml(odd)) << odd.dump();
    EXPECT_TRUE(absl::StrContains(html, "</html>"));
  }
}

TEST(HtmlReportTest, FiftyScenariosRenderQuicklyAndStayLight) {
  json sample = internal::LoadSampleResult();
  json r = sample;
  r["scenarios"] = json::array();
  for (int i = 0; i < 25; ++i) {
    for (const json& s : sample["scenarios"]) r["scenarios"].push_back(s);
  }
  auto start = std::chrono::steady_clock::now();
  std::string html = RenderHtml(r);
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_LT(took, std::chrono::seconds(
                      2));  // a generous bound; it takes milliseconds
  EXPECT_LT(html.size(), 2u << 20);
  EXPECT_EQ(Count(html, "<section class=\"scenario\""), 50);
  EXPECT_TRUE(absl::StrContains(html, "id=\"s50-deadlock\""));
}

TEST(HtmlReportTest, RepeatedTrialsShowDistributionsAndCollapsedTrials) {
  json r = internal::LoadSampleResult();
  r["scenarios"][0] = internal::RepeatedSample();
  std::string html = RenderHtml(r);
  EXPECT_TRUE(absl::StrContains(
      html, "<b>2 of 3</b> trials passed · 2/3 (67%, 95% CI 21%–94%)"))
      << html;
  // relay[0]'s bar: completed 1/3 then crashed 2/3 of its width.
  EXPECT_TRUE(absl::StrContains(
      html,
      "<span class=\"sbar\" role=\"img\" aria-label=\"relay[0]: completed 1 "
      "· crashed 2\"><i class=\"o-completed\" style=\"width:33.33%\" "
      "title=\"completed: 1 of 3\"></i><i class=\"o-crashed\" "
      "style=\"width:66.67%\" title=\"crashed: 2 of 3\"></i></span>"))
      << html;
  // Each trial in its own collapsed block, with its own verdict.
  EXPECT_EQ(Count(html, "<details class=\"trial\"><summary>"), 3);
  EXPECT_TRUE(absl::StrContains(html,
                                "trial 1 of 3 · seed 42 · <span "
                                "class=\"ok\">pass</span></summary>"));
  EXPECT_TRUE(absl::StrContains(
      html,
      "trial 3 of 3 · seed 44 · <span class=\"bad\">FAIL</span> · "
      "relay[0] is crashed (actual: completed)</summary>"));
  EXPECT_TRUE(absl::StrContains(
      html, "held in 2/3 (67%, 95% CI 21%–94%), needs every trial"));
  EXPECT_TRUE(absl::StrContains(html,
                                "<code>faultlab run scenarios/segfault.yaml "
                                "--placement thread --seed 44</code>"));
  EXPECT_FALSE(absl::StrContains(html, "<details class=\"trial\" open"));
}

// A program trial gets the program timeline: the process tree with its
// respawn, a lane per probe and per session slot, the fault and recovery.
TEST(HtmlReportTest, ProgramTrialShowsTreeProbesSessionsAndRecovery) {
  std::ifstream in(FAULTLAB_REPORTS_TESTDATA "/rich_result.json");
  const json r = json::parse(in);
  const json& prog = r["scenarios"][0]["placements"][0]["trials"][0]["program"];
  const std::string html = RenderHtml(r);
  EXPECT_EQ(Count(html, "aria-label=\"program timeline"), 1);
  for (const char* band : {">process tree<", ">probes<", ">client sessions<",
                           ">recovery after the fault<"})
    EXPECT_EQ(Count(html, band), 1) << band;
  // One row per process, the respawn marked; the target carries the fault.
  int respawns = 0, lost = 0;
  for (const json& p : prog["processes"])
    EXPECT_GE(Count(html, absl::StrCat(" pid ", p["pid"].get<int64_t>(), " (")),
              1);
  for (const json& x : prog["roles"]) respawns += x["respawns"].get<int>();
  EXPECT_EQ(Count(html, " ↻</text>"), respawns);
  EXPECT_GT(respawns, 0);
  EXPECT_EQ(Count(html, "the fault (SIGSEGV sent (SI_USER)) hit pid "), 1);
  // A session row per slot, and a cross for each session lost.
  for (const json& s : prog["sessions"])
    lost +=
        s["established"].get<bool>() && !s["error"].get<std::string>().empty();
  EXPECT_EQ(Count(html, ", lost: "), lost);
  EXPECT_GT(lost, 0);
  EXPECT_EQ(Count(html, ">replacement seen</text>"), 1);
}

// The summary table shows repeated trials as distributions too: a stacked
// bar per worker and the pass count, not the first trial's squares.
TEST(HtmlReportTest, SummaryShowsRepeatedTrialsAsDistributions) {
  json r = internal::LoadSampleResult();
  r["scenarios"][0] = internal::RepeatedSample();
  const std::string html = RenderHtml(r);
  const size_t body = html.find("<tbody>"), end = html.find("</tbody>");
  ASSERT_NE(body, std::string::npos);
  const std::string summary = html.substr(body, end - body);
  EXPECT_TRUE(absl::StrContains(
      summary,
      "<span class=\"sdn mono\">relay[0]</span><span class=\"sbar\" "
      "role=\"img\" aria-label=\"relay[0]: completed 1 · crashed 2\">"))
      << summary;
  EXPECT_EQ(Count(summary, "<span class=\"sbar\""), 3);  // one per worker
  EXPECT_TRUE(absl::StrContains(summary, "2 of 3 trials passed")) << summary;
  // The single-trial process placement keeps its squares.
  EXPECT_GT(Count(summary, "<i class=\"sq o-"), 0);
}

}  // namespace
}  // namespace faultlab::reports
