#include "workers/message.h"

#include <gtest/gtest.h>

#include <vector>

namespace faultlab {
namespace {

TEST(MessageTest, HeaderRoundTripsAndDetectsAnyChangedField) {
  std::vector<unsigned char> p(64);
  FillPayload(7, 3, p.data(), p.size());
  FrameHeader h = MakeHeader(3, p.data(), 64);
  EXPECT_TRUE(HeaderValid(h));
  FrameHeader bad = h;
  bad.seq = 4;
  EXPECT_FALSE(HeaderValid(bad));
  bad = h;
  bad.length = 65;
  EXPECT_FALSE(HeaderValid(bad));
}

TEST(MessageTest, ChecksumCatchesOneFlippedByte) {
  std::vector<unsigned char> p(64);
  FillPayload(7, 3, p.data(), p.size());
  uint32_t c = Checksum(p.data(), p.size());
  p[17] ^= 0x40;
  EXPECT_NE(c, Checksum(p.data(), p.size()));
}

TEST(MessageTest, PayloadDependsOnSeedAndSequence) {
  std::vector<unsigned char> a(32), b(32), c(32);
  FillPayload(1, 0, a.data(), 32);
  FillPayload(1, 1, b.data(), 32);
  FillPayload(2, 0, c.data(), 32);
  EXPECT_NE(a, b);
  EXPECT_NE(a, c);
}

TEST(MessageTest, ExpectedDigestMatchesAStreamBuiltStepByStep) {
  std::vector<unsigned char> p(40);
  uint64_t d = kDigestInit;
  for (uint64_t s = 0; s < 10; ++s) {
    FillPayload(9, s, p.data(), p.size());
    d = DigestStep(d, p.data(), p.size());
  }
  EXPECT_EQ(d, ExpectedStreamDigest(9, 10, 40));
  EXPECT_NE(d, ExpectedStreamDigest(9, 9, 40));
}

}  // namespace
}  // namespace faultlab
