#include "reports/internal/text.h"

#include <gtest/gtest.h>

namespace faultlab::reports::internal {
namespace {

TEST(TextTest, EscapesMarkup) {
  EXPECT_EQ(
      EscapeMarkup("<script>alert('x')</script> & \"q\""),
      "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;");
}

TEST(TextTest, ReplacesControlBytesAndBrokenUtf8) {
  std::string in = std::string(
                       "a\x01"
                       "b\x1b[31mc\t\n") +
                   "\xff" + "\xC3\xA9" + std::string(1, '\0') + "\xEF\xBF\xBE";
  EXPECT_EQ(CleanText(in),
            "a\xEF\xBF\xBD"
            "b\xEF\xBF\xBD[31mc\t\n\xEF\xBF\xBD\xC3\xA9"
            "\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST(TextTest, RejectsOverlongAndSurrogates) {
  EXPECT_EQ(CleanText("\xC0\xBC"), "\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(CleanText("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(CleanText("\xF0\x9F\x92\xA5"), "\xF0\x9F\x92\xA5");  // kept as is
}

TEST(TextTest, AnchorIdIsSafe) {
  EXPECT_EQ(AnchorId("s", 3, "Heap corrupt\"><x>"), "s3-heap-corrupt-x");
  EXPECT_EQ(AnchorId("s", 1, ""), "s1");
}

TEST(TextTest, LastLines) {
  size_t dropped = 0;
  EXPECT_EQ(LastLines("a\nb\nc\n", 2, &dropped), "b\nc");
  EXPECT_EQ(dropped, 1u);
  EXPECT_EQ(LastLines("a\nb", 5, &dropped), "a\nb");
  EXPECT_EQ(dropped, 0u);
}

TEST(TextTest, DisplayWidthCountsCodePoints) {
  EXPECT_EQ(DisplayWidth("relay[0]"), 8u);
  EXPECT_EQ(DisplayWidth("ü✕"), 2u);
}

}  // namespace
}  // namespace faultlab::reports::internal
