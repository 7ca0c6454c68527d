#include "harness/progress.h"

#include <gtest/gtest.h>
#include <stdio.h>

#include <string>

namespace faultlab {
namespace {

TEST(ProgressTest, TextSaysDoneFailedRateAndEta) {
  EXPECT_EQ(Progress::Text(0, 120, 0, 0), "[  0/120] 0 failed");
  EXPECT_EQ(Progress::Text(12, 120, 2, 4),
            "[ 12/120] 2 failed · 3.0 trials/s · ETA 36 s");
  EXPECT_EQ(Progress::Text(10, 1000, 0, 5),
            "[  10/1000] 0 failed · 2.0 trials/s · ETA 8 min");
  EXPECT_EQ(Progress::Text(5, 5, 1, 2), "[5/5] 1 failed · 2.5 trials/s");
}

std::string Written(bool tty, bool enabled) {
  char* buf = nullptr;
  size_t len = 0;
  FILE* f = open_memstream(&buf, &len);
  {
    Progress p(f, 2, tty, enabled);
    p.Trial(false, "a [thread]");
    p.Clear();
    p.Trial(true, "");
    p.ScenarioDone("a");
  }
  fclose(f);
  std::string out(buf, len);
  free(buf);
  return out;
}

TEST(ProgressTest, ATerminalGetsOneLineRewrittenAndClearedAtTheEnd) {
  std::string out = Written(true, true);
  EXPECT_EQ(out.find('\n'), std::string::npos) << out;
  EXPECT_EQ(out.rfind("\r\x1b[2K"), out.size() - 5) << "cleared at the end";
  EXPECT_NE(out.find("\r\x1b[2K[1/2] 0 failed"), std::string::npos) << out;
  EXPECT_NE(out.find("a [thread]"), std::string::npos);
  EXPECT_NE(out.find("\r\x1b[2K[2/2] 1 failed"), std::string::npos);
}

TEST(ProgressTest, ALogGetsPlainLinesAndQuietGetsNothing) {
  std::string out = Written(false, true);
  EXPECT_EQ(out.find('\r'), std::string::npos);
  EXPECT_EQ(out.find('\x1b'), std::string::npos);
  EXPECT_EQ(out.rfind("faultlab: a done, [2/2] 1 failed", 0), 0u) << out;
  EXPECT_EQ(Written(true, false), "");
  EXPECT_EQ(Written(false, false), "");
}

}  // namespace
}  // namespace faultlab
