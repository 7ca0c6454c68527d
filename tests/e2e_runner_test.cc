// End-to-end: the conventions of a test runner. --version, exit codes in
// --help, directories and -k for selection, --list, --fail-fast, refused
// duplicate names, JUnit names that stand alone, and <error> for faultlab's
// own failure.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/e2e_util.h"

namespace faultlab::testing {
namespace {

using nlohmann::json;

std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A directory holding copies of the named shipped scenarios.
std::string DirWith(const std::vector<std::string>& names) {
  std::string dir = TempDir() + "/scenarios";
  std::filesystem::create_directories(dir);
  for (const std::string& n : names)
    std::filesystem::copy_file(Scenario(n), dir + "/" + n);
  return dir;
}

TEST(E2eRunnerTest, VersionAndExitCodesInHelp) {
  RunOutput v = RunFaultlab({"--version"}, false);
  EXPECT_EQ(v.exit_code, 0);
  EXPECT_EQ(v.out, "faultlab 0.1.0\n");
  RunOutput h = RunFaultlab({"--help"}, false);
  EXPECT_EQ(h.exit_code, 0);
  for (const char* line : {"Exit status:", "  0    every expectation met",
                           "  1    an expectation failed", "  2    bad input",
                           "  130  interrupted"})
    EXPECT_NE(h.out.find(line), std::string::npos) << line << "\n" << h.out;
}

TEST(E2eRunnerTest, BenchRefusesUnknownArguments) {
  for (std::vector<std::string> args :
       {std::vector<std::string>{"bench", "isolaton"},
        {"bench", "--frobnicate"},
        {"bench", "--iterations", "lots"},
        {"bench", "trial", "--iterations"}}) {
    RunOutput r = RunFaultlab(args, false);
    EXPECT_EQ(r.exit_code, 2) << args[1] << r.out << r.err;
    EXPECT_NE(r.err.find("usage: faultlab-bench"), std::string::npos) << r.err;
  }
  RunOutput help = RunFaultlab({"bench", "--help"}, false);
  EXPECT_EQ(help.exit_code, 0) << help.err;
}

TEST(E2eRunnerTest, DirectoriesFilterAndListSelectWithoutRunning) {
  std::string dir = DirWith({"segfault.yaml", "abort.yaml", "shm_corrupt.yaml",
                             "shm_peer_crash.yaml"});
  RunOutput all = RunFaultlab({"run", dir, "--list", "--repeat", "3"});
  ASSERT_EQ(all.exit_code, 0) << all.err;
  // In file-name order; nothing ran, so no result was written.
  EXPECT_LT(all.out.find("abort [thread]  3 trials"),
            all.out.find("segfault [thread]"))
      << all.out;
  EXPECT_NE(all.out.find("24 trial(s) in 4 scenario(s)"), std::string::npos)
      << all.out;
  EXPECT_TRUE(all.json.is_null());
  EXPECT_TRUE(ProcessesInSession(all.sid).empty());

  RunOutput glob = RunFaultlab({"run", dir, "--list", "-k", "shm_*"});
  EXPECT_EQ(glob.exit_code, 0);
  EXPECT_NE(glob.out.find("shm_corrupt [thread]"), std::string::npos);
  EXPECT_NE(glob.out.find("shm_peer_crash [process]"), std::string::npos);
  EXPECT_EQ(glob.out.find("segfault"), std::string::npos) << glob.out;
  RunOutput sub =
      RunFaultlab({"run", dir, "--list", "--filter", "segf", "-k", "abort"});
  EXPECT_NE(sub.out.find("segfault [thread]"), std::string::npos);
  EXPECT_NE(sub.out.find("abort [thread]"), std::string::npos);
  EXPECT_NE(sub.out.find("4 trial(s) in 2 scenario(s)"), std::string::npos)
      << sub.out;
  RunOutput none = RunFaultlab({"run", dir, "-k", "nothing_like_it"});
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(none.err.find("no scenario name matches -k nothing_like_it"),
            std::string::npos)
      << none.err;
  std::string empty = TempDir();
  RunOutput no_yaml = RunFaultlab({"validate", empty}, false);
  EXPECT_EQ(no_yaml.exit_code, 2);
  EXPECT_NE(no_yaml.err.find("no *.yaml scenario in it"), std::string::npos);
}

TEST(E2eRunnerTest, DuplicateScenarioNamesAreRefused) {
  std::string dir = DirWith({"segfault.yaml"});
  std::filesystem::copy_file(Scenario("segfault.yaml"), dir + "/again.yaml");
  for (const char* cmd : {"run", "validate"}) {
    RunOutput r = RunFaultlab({cmd, dir}, std::string(cmd) == "run");
    EXPECT_EQ(r.exit_code, 2) << cmd;
    EXPECT_NE(r.err.find("segfault.yaml: error: scenario name 'segfault' is "
                         "already used by " +
                         dir + "/again.yaml"),
              std::string::npos)
        << r.err;
  }
}

TEST(E2eRunnerTest, FailFastStopsAtTheFirstPlacementThatCannotPass) {
  std::string data = SourceDir() + "/tests/data/wrong_expectation.yaml";
  RunOutput r = RunFaultlab({"run", data, "--repeat", "5", "--fail-fast"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  ASSERT_TRUE(r.json.is_object());
  EXPECT_EQ(r.json["scenarios"][0]["placements"][0]["trials"].size(), 1u);
  EXPECT_FALSE(r.json["complete"].get<bool>());
  EXPECT_NE(r.out.find("--fail-fast: stopped at the first placement that "
                       "could no longer pass; 4 trial(s) not run"),
            std::string::npos)
      << r.out;
  // A rate leaves room: 1 failure of 5 is allowed at 0.8, so two are needed.
  std::string rated = TempDir() + "/rated.yaml";
  std::string text = ReadText(data);
  text.replace(text.find("    others: completed"), 21,
               "    others: {is: completed, rate: 0.6}");
  std::ofstream(rated) << text;
  r = RunFaultlab({"run", rated, "--repeat", "5", "--fail-fast"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_EQ(r.json["scenarios"][0]["placements"][0]["trials"].size(), 3u)
      << r.out;
}

TEST(E2eRunnerTest, JunitNamesStandAloneAndSayWhichSeedFailed) {
  std::string dir = TempDir();
  std::string data = SourceDir() + "/tests/data/wrong_expectation.yaml";
  RunOutput r = RunFaultlab(
      {"run", Scenario("segfault.yaml"), data, "--junit", dir + "/j.xml"});
  EXPECT_EQ(r.exit_code, 1);
  std::string xml = ReadText(dir + "/j.xml");
  EXPECT_NE(xml.find("<testcase classname=\"faultlab.segfault\" "
                     "name=\"segfault [thread]\" file=\"" +
                     Scenario("segfault.yaml") + "\""),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("name=\"segfault [process]\""), std::string::npos);
  EXPECT_NE(xml.find("name=\"wrong_expectation [thread]\""), std::string::npos);
  EXPECT_NE(xml.find("1 of 1 trial failed, seed 3\""), std::string::npos)
      << xml;
  EXPECT_NE(
      xml.find("rerun: faultlab run " + data + " --placement thread --seed 3"),
      std::string::npos);
}

TEST(E2eRunnerTest, AHarnessErrorIsAJunitErrorAndExitsTwo) {
  std::string dir = TempDir();
  setenv("FAULTLAB_WORKER", "/nonexistent/faultlab-worker", 1);
  RunOutput r = RunFaultlab({"run", "--launch", "exec", Scenario("abort.yaml"),
                             "--junit", dir + "/j.xml"});
  unsetenv("FAULTLAB_WORKER");
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  ASSERT_TRUE(r.json.is_object());
  const json& p = r.json["scenarios"][0]["placements"][0];
  EXPECT_NE(p["error"].get<std::string>().find("/nonexistent/faultlab-worker"),
            std::string::npos);
  EXPECT_TRUE(p["trials"].empty());
  std::string xml = ReadText(dir + "/j.xml");
  EXPECT_NE(xml.find("<error message=\"harness error: "), std::string::npos)
      << xml;
  EXPECT_NE(xml.find("tests=\"1\" failures=\"0\" errors=\"1\""),
            std::string::npos)
      << xml;
  EXPECT_EQ(xml.find("<failure"), std::string::npos);
  EXPECT_NE(r.out.find("ERROR  harness error (no verdict on the subject)"),
            std::string::npos)
      << r.out;
}

}  // namespace
}  // namespace faultlab::testing
