#include "workers/heap_records.h"

#include <cstdio>

namespace faultlab {
namespace {

uint64_t Mix(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdull;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ull;
  return x ^ (x >> 33);
}

}  // namespace

uint64_t RecordChecksum(const HeapRecord& r) {
  return Mix(r.key ^ Mix(r.value[0] ^ Mix(r.value[1] + 0x9e3779b97f4a7c15ull)));
}

void FillRecord(uint64_t seed, int worker, uint32_t index, HeapRecord* out) {
  out->key = (uint64_t(uint32_t(worker)) << 32) | index;
  out->value[0] = Mix(seed ^ Mix(out->key));
  out->value[1] = Mix(out->value[0] + seed);
  out->check = RecordChecksum(*out);
}

void FillRecords(uint64_t seed, int worker, uint32_t first, uint32_t n,
                 HeapRecord* out) {
  for (uint32_t i = 0; i < n; ++i) FillRecord(seed, worker, first + i, &out[i]);
}

HeapVerdict VerifyRecords(const volatile HeapRecord* records, uint32_t n,
                          uint64_t seed, int worker, uint32_t first) {
  HeapVerdict v;
  for (uint32_t i = 0; i < n; ++i) {
    HeapRecord now, want;
    const volatile unsigned char* src =
        reinterpret_cast<const volatile unsigned char*>(&records[i]);
    unsigned char* dst = reinterpret_cast<unsigned char*>(&now);
    for (size_t b = 0; b < sizeof now; ++b) dst[b] = src[b];
    FillRecord(seed, worker, first + i, &want);
    const unsigned char* w = reinterpret_cast<const unsigned char*>(&want);
    uint32_t differ = 0;
    for (size_t b = 0; b < sizeof now; ++b) {
      if (dst[b] == w[b]) continue;
      if (v.first_offset < 0) {
        v.first_offset = int64_t(i) * int64_t(sizeof now) + int64_t(b);
        v.first_value = dst[b];
      }
      ++differ;
    }
    if (differ == 0 && RecordChecksum(now) == now.check) continue;
    ++v.bad_records;
    v.bad_bytes += differ;
    if (v.first_bad < 0) v.first_bad = int32_t(i);
    v.last_bad = int32_t(i);
  }
  return v;
}

char* DescribeVerdict(const HeapVerdict& v, uint32_t n, const void* addr,
                      char* out, size_t size) {
  if (v.bad_records == 0) {
    std::snprintf(out, size, "all %u heap records at %p verified", n, addr);
  } else if (v.first_bad == v.last_bad) {
    std::snprintf(out, size,
                  "heap record %d of %u at %p failed its checksum: %u bytes "
                  "differ (first at +%lld, now 0x%02x)",
                  v.first_bad, n, addr, v.bad_bytes, (long long)v.first_offset,
                  v.first_value);
  } else {
    std::snprintf(out, size,
                  "%u heap records (%d-%d of %u at %p) failed their checksum: "
                  "%u bytes differ (first at +%lld, now 0x%02x)",
                  v.bad_records, v.first_bad, v.last_bad, n, addr, v.bad_bytes,
                  (long long)v.first_offset, v.first_value);
  }
  return out;
}

}  // namespace faultlab
