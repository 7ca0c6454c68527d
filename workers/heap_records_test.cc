#include "workers/heap_records.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

namespace faultlab {
namespace {

std::vector<HeapRecord> Records(uint32_t n, int worker = 3) {
  std::vector<HeapRecord> r(n);
  FillRecords(42, worker, 0, n, r.data());
  return r;
}

TEST(HeapRecordsTest, FreshRecordsVerify) {
  auto r = Records(64);
  HeapVerdict v = VerifyRecords(r.data(), r.size(), 42, 3);
  EXPECT_EQ(v.bad_records, 0u);
  EXPECT_EQ(v.first_bad, -1);
  EXPECT_EQ(v.bad_bytes, 0u);
}

TEST(HeapRecordsTest, RecordsOfAnotherWorkerOrSeedFail) {
  auto r = Records(8, 4);
  EXPECT_EQ(VerifyRecords(r.data(), r.size(), 42, 3).bad_records, 8u);
  EXPECT_EQ(VerifyRecords(r.data(), r.size(), 43, 4).bad_records, 8u);
}

TEST(HeapRecordsTest, OverwriteNamesRecordsAndBytes) {
  auto r = Records(64);
  // 40 bytes of 0xab from byte 40: the end of record 1 and part of record 2.
  std::memset(reinterpret_cast<unsigned char*>(r.data()) + 40, 0xab, 40);
  HeapVerdict v = VerifyRecords(r.data(), r.size(), 42, 3);
  EXPECT_EQ(v.bad_records, 2u);
  EXPECT_EQ(v.first_bad, 1);
  EXPECT_EQ(v.last_bad, 2);
  EXPECT_EQ(v.bad_bytes, 40u);
  EXPECT_EQ(v.first_offset, 40);
  EXPECT_EQ(v.first_value, 0xab);
  char text[200];
  std::string d = DescribeVerdict(v, 64, r.data(), text, sizeof text);
  EXPECT_NE(d.find("2 heap records (1-2 of 64"), std::string::npos) << d;
  EXPECT_NE(d.find("40 bytes differ"), std::string::npos) << d;
  EXPECT_NE(d.find("now 0xab"), std::string::npos) << d;
}

TEST(HeapRecordsTest, ByteThatHappensToMatchIsNotCounted) {
  auto r = Records(4);
  unsigned char* p = reinterpret_cast<unsigned char*>(r.data());
  const unsigned char keep = p[33];
  std::memset(p + 32, keep, 2);  // byte 33 unchanged, byte 32 maybe changed
  HeapVerdict v = VerifyRecords(r.data(), r.size(), 42, 3);
  const uint32_t changed = Records(4)[1].key % 256 == keep ? 0u : 1u;
  EXPECT_EQ(v.bad_bytes, changed);
  EXPECT_EQ(v.bad_records, changed);
}

TEST(HeapRecordsTest, ChecksumCatchesAConsistentlyForgedValue) {
  auto r = Records(4);
  r[2].value[0] ^= 1;  // content differs, and the checksum no longer fits
  EXPECT_NE(RecordChecksum(r[2]), r[2].check);
  HeapVerdict v = VerifyRecords(r.data(), r.size(), 42, 3);
  EXPECT_EQ(v.bad_records, 1u);
  EXPECT_EQ(v.first_bad, 2);
  EXPECT_EQ(v.bad_bytes, 1u);
}

TEST(HeapRecordsTest, NumberingContinuesFromFirst) {
  std::vector<HeapRecord> j(4);
  FillRecords(42, 3, 64, 4, j.data());
  EXPECT_EQ(VerifyRecords(j.data(), 4, 42, 3, 64).bad_records, 0u);
  EXPECT_EQ(VerifyRecords(j.data(), 4, 42, 3, 0).bad_records, 4u);
}

TEST(HeapRecordsTest, CleanVerdictSaysAllVerified) {
  char text[200];
  std::string d = DescribeVerdict(HeapVerdict(), 64, nullptr, text, 200);
  EXPECT_NE(d.find("all 64 heap records"), std::string::npos);
}

}  // namespace
}  // namespace faultlab
