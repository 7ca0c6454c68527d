#include "reports/junit_report.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "reports/internal/sample_result.h"

namespace faultlab::reports {
namespace {

using nlohmann::json;

using internal::Count;

// A minimal well-formedness check: tags nest and close, attributes are quoted,
// text holds no raw '<' or bare '&', and no character is illegal in XML 1.0.
// Returns "" when fine, else what is wrong.
std::string CheckWellFormed(const std::string& xml) {
  std::vector<std::string> open;
  size_t i = 0;
  if (absl::StartsWith(xml, "<?xml")) i = xml.find("?>") + 2;
  for (; i < xml.size(); ++i) {
    unsigned char c = xml[i];
    if (c < 0x20 && c != '\n' && c != '\r' && c != '\t')
      return absl::StrCat("control byte at ", i);
    if (c == '&') {
      size_t semi = xml.find(';', i);
      std::string ent =
          xml.substr(i, semi == std::string::npos ? 8 : semi - i + 1);
      if (ent != "&amp;" && ent != "&lt;" && ent != "&gt;" && ent != "&quot;" &&
          ent != "&#39;") {
        return absl::StrCat("bad entity ", ent, " at ", i);
      }
      continue;
    }
    if (c != '<') continue;
    size_t end = i + 1;
    char quote = 0;
    for (; end < xml.size(); ++end) {
      if (quote) {
        if (xml[end] == quote)
          quote = 0;
        else if (xml[end] == '<')
          return absl::StrCat("'<' in attribute at ", end);
      } else if (xml[end] == '"' || xml[end] == '\'') {
        quote = xml[end];
      } else if (xml[end] == '>') {
        break;
      }
    }
    if (end == xml.size()) return "unterminated tag";
    std::string tag = xml.substr(i + 1, end - i - 1);
    bool closing = tag[0] == '/';
    bool empty = tag.back() == '/';
    std::string name =
        tag.substr(closing, tag.find_first_of(" />", closing) - closing);
    if (closing) {
      if (open.empty() || open.back() != name)
        return absl::StrCat("mismatched </", name, ">");
      open.pop_back();
    } else if (!empty) {
      open.push_back(name);
    }
    i = end;
  }
  return open.empty() ? "" : absl::StrCat("unclosed <", open.back(), ">");
}

TEST(JunitReportTest, CountsSuitesCasesAndFailures) {
  std::string xml = RenderJunit(internal::LoadSampleResult());
  EXPECT_EQ(CheckWellFormed(xml), "");
  EXPECT_EQ(Count(xml, "<testsuite "), 2);
  EXPECT_EQ(Count(xml, "<testcase "), 4);
  EXPECT_EQ(Count(xml, "<failure "), 1);
  EXPECT_TRUE(absl::StrContains(
      xml,
      "<testsuites name=\"faultlab\" tests=\"4\" failures=\"1\" errors=\"0\""));
  EXPECT_TRUE(absl::StrContains(
      xml,
      "<testsuite name=\"deadlock\" tests=\"2\" failures=\"1\" errors=\"0\""));
  EXPECT_TRUE(
      absl::StrContains(xml,
                        "<testcase classname=\"faultlab.segfault\" "
                        "name=\"segfault [thread]\" "
                        "file=\"scenarios/segfault.yaml\" time=\"0.061\">"));
  EXPECT_TRUE(absl::StrContains(xml,
                                "<failure message=\"expected others are "
                                "completed (actual: locker[1] hung); 1 of 1 "
                                "trial failed, seed 7\""))
      << xml;
  EXPECT_TRUE(absl::StrContains(
      xml,
      "rerun: faultlab run scenarios/deadlock.yaml --placement thread "
      "--seed 7\n"));
  EXPECT_TRUE(absl::StrContains(
      xml, "relay[0]     crashed       SIGSEGV  SIGSEGV SEGV_MAPERR"));
  EXPECT_TRUE(absl::StrContains(
      xml, "#0 faultlab::workers::InjectNullWrite workers/faults.cc:88"));
  EXPECT_TRUE(
      absl::StrContains(xml, "#3 start_thread libc.so.6 0x7f3a1c094ac3"));
  EXPECT_TRUE(absl::StrContains(
      xml, "  locker[0] waits for lock B held by locker[1]\n"));
  EXPECT_EQ(Count(xml, "<system-err>"), 2);  // the two trials with stderr
}

TEST(JunitReportTest, AGroupingIsATestcaseThatSaysItsProcesses) {
  std::string xml = RenderJunit(internal::LoadSampleWithGrouping());
  EXPECT_EQ(CheckWellFormed(xml), "");
  EXPECT_EQ(Count(xml, "<testcase "), 5);
  EXPECT_TRUE(absl::StrContains(
      xml,
      "<testcase classname=\"faultlab.segfault\" name=\"segfault "
      "[split]\""));
  EXPECT_TRUE(absl::StrContains(
      xml, "<system-out>processes: {producer[0] relay[0]} {sink[0]}\ntrial"));
}

TEST(JunitReportTest, EscapesAndStripsIllegalCharacters) {
  json r = internal::LoadSampleResult();
  const std::string evil =
      std::string("<a href=\"x\">&amp;]]>\x01\x02\x0b\x1b") +
      std::string(1, '\0');
  r["scenarios"][0]["name"] = evil;
  auto& p = r["scenarios"][0]["placements"][0];
  p["passed"] = false;
  p["expectations"][0] = {
      {"check", evil + "\nsecond line"}, {"passed", false}, {"actual", evil}};
  p["trials"][0]["workers"][0]["detail"] = evil;
  std::string xml = RenderJunit(r);
  EXPECT_EQ(CheckWellFormed(xml), "");
  EXPECT_FALSE(absl::StrContains(xml, "]]>"));
  EXPECT_FALSE(absl::StrContains(xml, "\x01"));
  EXPECT_FALSE(absl::StrContains(xml, std::string(1, '\0')));
  EXPECT_TRUE(absl::StrContains(
      xml, "classname=\"faultlab.&lt;a href=&quot;x&quot;&gt;&amp;amp;"));
  size_t msg = xml.find("<failure message=\"");
  ASSERT_NE(msg, std::string::npos);
  EXPECT_EQ(xml.substr(msg, xml.find('>', msg) - msg).find('\n'),
            std::string::npos);
}

TEST(JunitReportTest, ToleratesMissingFields) {
  for (const json& odd :
       {json(), json::object(),
        json({{"scenarios", {nullptr, json::object()}}}),
        json({{"scenarios", {{{"placements", {{{"trials", {nullptr}}}}}}}}})}) {
    std::string xml;
    ASSERT_NO_THROW(xml = RenderJunit(odd)) << odd.dump();
    EXPECT_EQ(CheckWellFormed(xml), "") << xml;
  }
}

// Full parse with xmllint, when it is installed.
TEST(JunitReportTest, XmllintAcceptsIt) {
  if (std::system("command -v xmllint >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "no xmllint";
  json r = internal::LoadSampleResult();
  r["scenarios"][0]["placements"][0]["trials"][0]["stderr"] =
      "a\x01<b>&\x1b[0m";
  std::string path =
      absl::StrCat(::testing::TempDir(), "junit_report_test.xml");
  std::ofstream(path) << RenderJunit(r);
  EXPECT_EQ(std::system(absl::StrCat("xmllint --noout ", path).c_str()), 0);
  std::remove(path.c_str());
}

TEST(JunitReportTest, RepeatedTrialsNameTheirVerdictsAndFailingSeeds) {
  json r = internal::LoadSampleResult();
  r["scenarios"][0] = internal::RepeatedSample();
  std::string xml = RenderJunit(r);
  EXPECT_TRUE(absl::StrContains(
      xml,
      "<failure message=\"expected relay[0] is crashed (actual: crashed "
      "×2, completed ×1); 1 of 3 trials failed, seed 44\""))
      << xml;
  EXPECT_TRUE(absl::StrContains(xml, "trial 1/3: PASS, seed 42"));
  EXPECT_TRUE(absl::StrContains(xml, "trial 3/3: FAIL, seed 44"));
  EXPECT_TRUE(absl::StrContains(
      xml, "failed: relay[0] is crashed (actual: completed)\n"));
  EXPECT_EQ(Count(xml,
                  "rerun: faultlab run scenarios/segfault.yaml "
                  "--placement thread --seed 44\n"),
            2);  // in the failure and under its trial
}

// A program trial's system-out carries its process tree (with the respawn),
// probes, clients and recovery; a sent signal fault says it was sent.
TEST(JunitReportTest, ProgramTrialsCarryTheTreeProbesClientsAndRecovery) {
  std::ifstream in(FAULTLAB_REPORTS_TESTDATA "/rich_result.json");
  const json r = json::parse(in);
  const std::string xml = RenderJunit(r);
  EXPECT_EQ(CheckWellFormed(xml), "");
  const json& prog = r["scenarios"][0]["placements"][0]["trials"][0]["program"];
  for (const json& p : prog["processes"])
    EXPECT_TRUE(
        absl::StrContains(xml, absl::StrCat(p["role"].get<std::string>(), " ",
                                            p["pid"].get<int64_t>(), " (")))
        << p.dump();
  EXPECT_TRUE(
      absl::StrContains(xml, "fault: SIGSEGV sent (SI_USER), sender pid "))
      << xml;
  EXPECT_TRUE(absl::StrContains(xml, "role worker: 3 processes, 1 respawns"))
      << xml;
  EXPECT_TRUE(absl::StrContains(xml, "probe http: "));
  EXPECT_TRUE(absl::StrContains(xml, "client sessions: "));
  EXPECT_TRUE(
      absl::StrContains(xml, "recovery after the fault: replacement seen "));
}

// A signal fault on built-in workers says it was sent, to which pid.
TEST(JunitReportTest, ASentSignalFaultSaysSoInSystemOut) {
  json r = internal::LoadSampleResult();
  json& t = r["scenarios"][0]["placements"][0]["trials"][0];
  t["faults"] = {{{"target", "relay[0]"},
                  {"kind", "signal"},
                  {"fired", true},
                  {"delivery", "sent"},
                  {"sent",
                   {{"signal", "SIGKILL"},
                    {"pid", 4211},
                    {"sender_pid", 4200},
                    {"si_code", "SI_USER"},
                    {"at_ms", 41.25}}}}};
  EXPECT_TRUE(absl::StrContains(
      RenderJunit(r),
      "fault: SIGKILL sent (SI_USER, sender pid 4200) to pid 4211 hosting "
      "relay[0] at 41.2 ms"));
}

TEST(JunitReportTest, AHarnessErrorIsAnErrorNotAFailure) {
  json r = internal::LoadSampleResult();
  json& p = r["scenarios"][0]["placements"][1];
  p["error"] = "spawn: Resource temporarily unavailable";
  p["passed"] = false;
  std::string xml = RenderJunit(r);
  EXPECT_TRUE(absl::StrContains(
      xml,
      "<error message=\"harness error: spawn: Resource temporarily "
      "unavailable\" type=\"harness\">"))
      << xml;
  EXPECT_TRUE(absl::StrContains(
      xml,
      "<testsuites name=\"faultlab\" tests=\"4\" failures=\"1\" "
      "errors=\"1\""));
  EXPECT_TRUE(absl::StrContains(
      xml,
      "<testsuite name=\"segfault\" tests=\"2\" failures=\"0\" "
      "errors=\"1\""));
  EXPECT_EQ(Count(xml, "<failure "), 1);  // the deadlock scenario's
}

}  // namespace
}  // namespace faultlab::reports
