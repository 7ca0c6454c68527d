// End-to-end: what a person at a terminal sees, in a real pseudo-terminal
// (script(1)): progress rewritten in place, colour by --color and NO_COLOR /
// FORCE_COLOR, tables cut to the terminal's width, and the recap of what
// failed at the end, also with -q.
#include <gtest/gtest.h>
#include <stdio.h>

#include <string>

#include "tests/e2e_util.h"

namespace faultlab::testing {
namespace {

// Runs `command` (a shell line) and returns what it wrote on stdout and
// stderr. `tty`: inside script(1), so faultlab's stdout and stderr are a
// pseudo-terminal.
std::string Shell(const std::string& command, bool tty) {
  std::string line =
      tty ? "script -qfec '" + command + "' /dev/null 2>&1 </dev/null"
          : "(" + command + ") 2>&1 </dev/null";
  FILE* p = popen(line.c_str(), "r");
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  pclose(p);
  return out;
}

std::string Faultlab(const std::string& args) {
  return BinaryDir() + "/bin/faultlab run " + args;
}

const std::string kTwo =
    Scenario("segfault.yaml") + " --placement thread --repeat 2";

// Any SGR (colour or weight) sequence; the progress line's erase-line
// (ESC [2K) is none.
bool HasSgr(const std::string& s) {
  for (size_t at = s.find("\x1b["); at != std::string::npos;
       at = s.find("\x1b[", at + 1)) {
    size_t end = s.find_first_not_of("0123456789;", at + 2);
    if (end != std::string::npos && s[end] == 'm') return true;
  }
  return false;
}

TEST(E2eTtyTest, ATerminalGetsProgressInPlaceAndColour) {
  std::string out = Shell(Faultlab(kTwo), true);
  EXPECT_NE(out.find("\r\x1b[2K[1/2] "), std::string::npos) << out;
  EXPECT_NE(out.find(" failed · "), std::string::npos) << out;
  EXPECT_NE(out.find("· segfault [thread]"), std::string::npos) << out;
  EXPECT_NE(out.find("\r\x1b[2K[2/2] "), std::string::npos) << out;
  EXPECT_TRUE(HasSgr(out)) << out;
  // The progress line is cleared before the table, which starts a fresh line.
  EXPECT_NE(out.find("\r\x1b[2K\x1b[1msegfault\x1b[0m"), std::string::npos)
      << out;
}

TEST(E2eTtyTest, ColourFollowsTheFlagAndTheEnvironment) {
  EXPECT_FALSE(HasSgr(Shell("NO_COLOR=1 " + Faultlab(kTwo), true)));
  EXPECT_FALSE(HasSgr(
      Shell("FORCE_COLOR=1 " + Faultlab(kTwo + " --color=never"), true)));
  EXPECT_TRUE(HasSgr(Shell("NO_COLOR=1 " + Faultlab(kTwo + " --color"), true)));
  // Not a terminal: plain by default, coloured when forced.
  std::string log = Shell(Faultlab(kTwo), false);
  EXPECT_FALSE(HasSgr(log)) << log;
  EXPECT_EQ(log.find('\r'), std::string::npos) << log;
  EXPECT_EQ(log.find('\x1b'), std::string::npos) << log;
  EXPECT_NE(log.find("faultlab: segfault done, [2/2] "), std::string::npos)
      << log;
  EXPECT_TRUE(HasSgr(Shell("FORCE_COLOR=1 " + Faultlab(kTwo), false)));
  EXPECT_FALSE(HasSgr(Shell("FORCE_COLOR=0 " + Faultlab(kTwo), false)));
  EXPECT_TRUE(HasSgr(Shell(Faultlab(kTwo + " --color=always"), false)));
}

size_t CodePoints(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

TEST(E2eTtyTest, WorkerRowsFitTheTerminalWidth) {
  std::string data = SourceDir() + "/tests/data/wrong_expectation.yaml";
  std::string out = Shell("COLUMNS=60 " + Faultlab(data), false);
  size_t rows = 0;
  for (size_t at = 0, nl; (nl = out.find('\n', at)) != std::string::npos;
       at = nl + 1) {
    std::string line = out.substr(at, nl - at);
    if (line.rfind("    producer[0]", 0) == 0 ||
        line.rfind("    sink[0]", 0) == 0) {
      ++rows;
      EXPECT_LE(CodePoints(line), 60u) << line;
      EXPECT_NE(line.find("…"), std::string::npos) << line;
    }
  }
  EXPECT_EQ(rows, 2u) << out;
  std::string wide = Shell(Faultlab(data), false);
  EXPECT_EQ(wide.find("…"), std::string::npos) << "no limit without a width";
}

TEST(E2eTtyTest, TheRecapNamesWhatFailedAlsoWhenQuiet) {
  std::string data = SourceDir() + "/tests/data/wrong_expectation.yaml";
  std::string out =
      Shell(Faultlab(data + " " + Scenario("segfault.yaml") + " -q --repeat 2"),
            false);
  EXPECT_NE(out.find("faultlab: not as expected:\n  FAIL  wrong_expectation "
                     "[thread]  2/2 trials failed, seeds 3, 4\n    rerun: "
                     "faultlab run " +
                     data + " --placement thread --seed 3\n"),
            std::string::npos)
      << out;
  EXPECT_EQ(out.find("segfault ["), std::string::npos) << "only what failed";
  EXPECT_EQ(out.find("outcomes over"), std::string::npos) << "-q: no tables";
}

}  // namespace
}  // namespace faultlab::testing
