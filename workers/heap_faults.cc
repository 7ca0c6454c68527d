// The heap_overwrite injectors. Every store goes through a volatile pointer
// and this file is built with -O1 -fno-inline, so the optimiser can neither
// prove a write dead nor fold a double free away.
//
// sibling: the target writes through the address its sibling published. In
// one process that is the sibling's live state. In another process the same
// number means nothing: it is looked up in /proc/self/maps first, so the
// report can say whether the write hit unmapped memory (and segfaulted),
// the target's own copy, or some other mapping of its own process.
#include <malloc.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <cinttypes>
#include <cstdarg>
#include <cstdio>
#include <cstring>

#include "workers/faults.h"
#include "workers/heap_state.h"
#include "workers/worker_context.h"

namespace faultlab {
namespace {

constexpr uint64_t kPublishWaitNs = 2'000'000'000;

// snprintf for notes that may be cut short: truncation is fine there.
[[gnu::format(printf, 3, 4)]] void Note(char* out, size_t size, const char* fmt,
                                        ...) {
  va_list ap;
  va_start(ap, fmt);
  std::vsnprintf(out, size, fmt, ap);
  va_end(ap);
}

void* volatile g_pointer = nullptr;

[[gnu::noinline]] void Scribble(uint64_t addr, size_t n, uint8_t pattern) {
  volatile unsigned char* p = reinterpret_cast<volatile unsigned char*>(addr);
  for (size_t i = 0; i < n; ++i) p[i] = pattern;
}

// Describes the mapping of this process that holds addr, if any.
bool FindMapping(uint64_t addr, char* out, size_t size) {
  FILE* f = fopen("/proc/self/maps", "r");
  if (!f) return false;
  char line[512];
  bool found = false;
  while (!found && fgets(line, sizeof line, f)) {
    unsigned long lo, hi;
    char perms[8] = "", path[256] = "";
    if (sscanf(line, "%lx-%lx %7s %*s %*s %*s %255[^\n]", &lo, &hi, perms,
               path) < 3)
      continue;
    if (addr < lo || addr >= hi) continue;
    found = true;
    Note(out, size, "%s %s", perms, path[0] ? path : "[anon]");
  }
  fclose(f);
  return found;
}

// Waits (bounded, heartbeat on) until `sibling` has published its state.
uint64_t WaitForAddress(WorkerContext& ctx, int sibling) {
  const uint64_t until = MonotonicNs() + kPublishWaitNs;
  for (;;) {
    uint64_t a = ctx.sb().workers[sibling].heap_addr.load();
    if (a || MonotonicNs() > until) return a;
    timespec ts{0, 1'000'000};
    nanosleep(&ts, nullptr);
    ctx.Tick();
  }
}

void InjectSibling(WorkerContext& ctx, const FaultConfig& f) {
  HeapState& s = HeapStateOf(ctx.index());
  const WorkerSlot& sib = ctx.sb().workers[f.sibling];
  const char* name = sib.config.name;
  const uint64_t addr = WaitForAddress(ctx, f.sibling);
  if (!addr) {
    Note(s.fault_note, sizeof s.fault_note,
         "%s never published its heap address; nothing written", name);
    PublishHeapNote(ctx, false);
    return;
  }
  char where[128];
  const uint64_t own = reinterpret_cast<uint64_t>(s.records);
  if (sib.pid.load() == getpid()) {
    Note(where, sizeof where, "%s's live state in this same process (pid %d)",
         name, int(getpid()));
  } else if (own && addr >= own && addr < own + s.n * sizeof(HeapRecord)) {
    Note(where, sizeof where,
         "its own copy of the state in pid %d, not %s's (pid %d)",
         int(getpid()), name, int(sib.pid.load()));
  } else {
    char map[96];
    if (FindMapping(addr, map, sizeof map))
      Note(where, sizeof where,
           "its own memory (%s) in pid %d; %s lives in pid %d", map,
           int(getpid()), name, int(sib.pid.load()));
    else
      Note(where, sizeof where, "unmapped in pid %d (%s's state is in pid %d)",
           int(getpid()), name, int(sib.pid.load()));
  }
  Note(s.fault_note, sizeof s.fault_note,
       "wrote %u bytes of 0x%02x through %s's pointer 0x%" PRIx64 ": %s",
       f.bytes, f.pattern, name, addr, where);
  PublishHeapNote(ctx, false);
  Scribble(addr, f.bytes, f.pattern);
}

void InjectOverflow(WorkerContext& ctx, const FaultConfig& f) {
  HeapState& s = HeapStateOf(ctx.index());
  if (!s.records) {
    Note(s.fault_note, sizeof s.fault_note,
         "no heap state to overflow (state_records: 0)");
    PublishHeapNote(ctx, false);
    return;
  }
  const size_t size = s.n * sizeof(HeapRecord);
  const uint64_t end = reinterpret_cast<uint64_t>(s.records) + size;
  Note(s.fault_note, sizeof s.fault_note,
       "wrote %u bytes of 0x%02x past the end of its %zu-byte state "
       "at %p (into the allocator's header of the next chunk, its "
       "journal at %p)",
       f.bytes, f.pattern, size, static_cast<void*>(s.records),
       static_cast<void*>(s.journal));
  PublishHeapNote(ctx, false);
  Scribble(end, f.bytes, f.pattern);
}

void InjectDoubleFree(WorkerContext& ctx, const FaultConfig& f) {
  HeapState& s = HeapStateOf(ctx.index());
  g_pointer = malloc(f.bytes);
  Note(s.fault_note, sizeof s.fault_note,
       "freed its %u-byte buffer at %p twice", f.bytes,
       static_cast<void*>(g_pointer));
  PublishHeapNote(ctx, false);
  free(g_pointer);
  free(g_pointer);
}

void InjectUseAfterFree(WorkerContext& ctx, const FaultConfig& f) {
  HeapState& s = HeapStateOf(ctx.index());
  constexpr uint32_t kRecords = 2;
  g_pointer = malloc(kRecords * sizeof(HeapRecord));
  const size_t usable = malloc_usable_size(g_pointer);
  free(g_pointer);
  // The same thread asks for the same size: glibc hands the chunk back.
  s.reused = static_cast<HeapRecord*>(malloc(kRecords * sizeof(HeapRecord)));
  s.reused_n = kRecords;
  FillRecords(ctx.seed(), ctx.index(), 1u << 30, kRecords, s.reused);
  const size_t n = f.bytes < usable ? f.bytes : usable;
  Note(s.fault_note, sizeof s.fault_note,
       "wrote %zu bytes of 0x%02x through %p after freeing it; %s", n,
       f.pattern, static_cast<void*>(g_pointer),
       static_cast<void*>(s.reused) == g_pointer
           ? "the chunk had been handed out again to its own new "
             "object at the same address"
           : "the chunk sat freed in the allocator's cache");
  PublishHeapNote(ctx, false);
  Scribble(reinterpret_cast<uint64_t>(static_cast<void*>(g_pointer)), n,
           f.pattern);
}

void InjectShared(WorkerContext& ctx, const FaultConfig& f) {
  HeapState& s = HeapStateOf(ctx.index());
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = v << 8 | f.pattern;
  SharedBoard* b = Board();
  b->value.store(v);
  b->t_ns.store(MonotonicNs());
  b->writer.store(ctx.index());
  Note(s.fault_note, sizeof s.fault_note,
       "wrote 0x%016llx into the shared board at %p that every "
       "worker of its process (pid %d) reads",
       (unsigned long long)v, static_cast<void*>(b), int(getpid()));
  PublishHeapNote(ctx, false);
}

}  // namespace

void ScribbleShm(WorkerContext& ctx, const FaultConfig& f) {
  HeapState& s = HeapStateOf(ctx.index());
  ChannelEnd* end = nullptr;
  unsigned char* data = nullptr;
  size_t cap = 0;
  for (auto* ends : {&ctx.out, &ctx.in})
    for (auto& e : *ends)
      if (!data && (data = e->SharedData(&cap))) end = e.get();
  if (!data) {
    Note(s.fault_note, sizeof s.fault_note,
         "no shared-memory channel to write into; nothing written");
    PublishHeapNote(ctx, false);
    return;
  }
  // A wild write that lands on bytes the peer has yet to read: the frames
  // queued now, or, with none queued, the next frame before it is
  // published. Either way the peer reads them, whatever the timing.
  const size_t n = f.bytes < cap ? f.bytes : cap;
  const int64_t hit = end->ScribbleUnread(f.pattern, n);
  const char* name = ctx.sb().channels[end->channel()].name;
  if (hit > 0)
    Note(s.fault_note, sizeof s.fault_note,
         "wrote %zu bytes of 0x%02x into shm ring %s (data area at %p, %zu "
         "bytes): %lld bytes the reader had not read yet",
         n, f.pattern, name, static_cast<void*>(data), cap, (long long)hit);
  else
    Note(s.fault_note, sizeof s.fault_note,
         "wrote %zu bytes of 0x%02x into shm ring %s (data area at %p, %zu "
         "bytes) over the next frame, before the reader could read it",
         n, f.pattern, name, static_cast<void*>(data), cap);
  PublishHeapNote(ctx, false);
}

void InjectHeapOverwrite(WorkerContext& ctx, const FaultConfig& f) {
  switch (f.variant) {
    case FaultVariant::kSibling:
      return InjectSibling(ctx, f);
    case FaultVariant::kShm:
      ScribbleShm(ctx, f);
      return;
    case FaultVariant::kDoubleFree:
      return InjectDoubleFree(ctx, f);
    case FaultVariant::kUseAfterFree:
      return InjectUseAfterFree(ctx, f);
    case FaultVariant::kShared:
      return InjectShared(ctx, f);
    default:
      return InjectOverflow(ctx, f);
  }
}

}  // namespace faultlab
