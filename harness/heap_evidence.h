// Heap evidence for classification: what a worker said about its heap
// (WorkerSlot::heap_note and counts, written by workers/heap_state.cc) and
// what glibc's allocator printed when it caught a corrupted heap. Pure
// functions over the observation; no verdicts of their own.
#ifndef FAULTLAB_HARNESS_HEAP_EVIDENCE_H_
#define FAULTLAB_HARNESS_HEAP_EVIDENCE_H_

#include <string>
#include <string_view>

#include "workers/scoreboard.h"

namespace faultlab {

// True when the worker's heap failed its last verification, or it read a
// value a sibling wrote into memory it reads.
bool HeapCorrupted(const WorkerSlot& slot);
// `detail`, followed by the worker's heap note if it has one.
std::string WithHeapNote(std::string detail, const WorkerSlot& slot);
// The last line of `stderr_text` written by glibc's allocator
// ("free(): double free detected in tcache 2"), or "" if none.
std::string AllocatorMessage(std::string_view stderr_text);

}  // namespace faultlab

#endif  // FAULTLAB_HARNESS_HEAP_EVIDENCE_H_
