#include "harness/heap_evidence.h"

#include <gtest/gtest.h>

#include <cstring>
#include <memory>

namespace faultlab {
namespace {

TEST(HeapEvidenceTest, FindsTheLastAllocatorLine) {
  EXPECT_EQ(AllocatorMessage("hello\nfree(): double free detected in tcache "
                             "2\nbye\n"),
            "free(): double free detected in tcache 2");
  EXPECT_EQ(AllocatorMessage("malloc(): corrupted top size\n"
                             "munmap_chunk(): invalid pointer\n"),
            "munmap_chunk(): invalid pointer");
  EXPECT_EQ(AllocatorMessage("faultlab-worker: bad index\n"), "");
  EXPECT_EQ(AllocatorMessage(""), "");
}

TEST(HeapEvidenceTest, NoteIsAppendedAndCountsDecide) {
  auto slot = std::make_unique<WorkerSlot>();
  std::memset(static_cast<void*>(slot.get()), 0, sizeof *slot);
  EXPECT_FALSE(HeapCorrupted(*slot));
  EXPECT_EQ(WithHeapNote("200 messages verified", *slot),
            "200 messages verified");
  std::strcpy(slot->heap_note, "state: heap record 0 of 64 failed");
  slot->heap_bad_records.store(1);
  EXPECT_TRUE(HeapCorrupted(*slot));
  EXPECT_EQ(WithHeapNote("200 messages verified", *slot),
            "200 messages verified; state: heap record 0 of 64 failed");
  slot->heap_bad_records.store(0);
  slot->heap_foreign.store(1);
  EXPECT_TRUE(HeapCorrupted(*slot));
}

}  // namespace
}  // namespace faultlab
