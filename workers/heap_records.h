// Heap records: the state every worker keeps on its heap and re-verifies.
// Record i of worker w is a pure function of (seed, w, i), and its last word
// is a checksum of the others, so a verifier can say both that a record is
// bad and exactly which bytes differ from what it should hold. Plain
// functions over memory; no allocation, safe to call on any thread.
#ifndef FAULTLAB_WORKERS_HEAP_RECORDS_H_
#define FAULTLAB_WORKERS_HEAP_RECORDS_H_

#include <cstddef>
#include <cstdint>

namespace faultlab {

struct HeapRecord {
  uint64_t key;       // (worker << 32) | index
  uint64_t value[2];  // derived from (seed, worker, index)
  uint64_t check;     // checksum of the three words above
};
static_assert(sizeof(HeapRecord) == 32);

// What a verification found. Indices count records from the first one
// verified; offsets count bytes from the start of the first record.
struct HeapVerdict {
  uint32_t bad_records = 0;
  int32_t first_bad = -1;  // record index, -1 if none
  int32_t last_bad = -1;
  uint32_t bad_bytes = 0;     // bytes that differ from the expected record
  int64_t first_offset = -1;  // byte offset of the first differing byte
  uint8_t first_value = 0;    // what that byte holds now
};

uint64_t RecordChecksum(const HeapRecord& r);
// Writes the expected content of record `index` of `worker` to *out.
void FillRecord(uint64_t seed, int worker, uint32_t index, HeapRecord* out);
void FillRecords(uint64_t seed, int worker, uint32_t first, uint32_t n,
                 HeapRecord* out);
// Verifies n records that should hold indices first..first+n-1. Reads
// through volatile loads: another thread may be writing the memory now.
HeapVerdict VerifyRecords(const volatile HeapRecord* records, uint32_t n,
                          uint64_t seed, int worker, uint32_t first = 0);
// "records 0-1 of 64 at 0x7f..: 64 bytes differ (first at +0, now 0xab)".
// Writes at most `size` bytes (NUL-terminated) and returns out.
char* DescribeVerdict(const HeapVerdict& v, uint32_t n, const void* addr,
                      char* out, size_t size);

}  // namespace faultlab

#endif  // FAULTLAB_WORKERS_HEAP_RECORDS_H_
