// Heap state of a worker: records with checksums, built before the role runs
// and re-verified every 16 messages and once at the end.
//
// Why a journal that is freed and allocated again at every check: a worker
// that never calls the allocator would never notice a smashed chunk header,
// and glibc only checks a neighbour when a chunk is freed or split. Real
// programs allocate all the time; this makes the moment deterministic.
#include "workers/heap_state.h"

#include <stdlib.h>

#include <cstdio>
#include <cstring>
#include <mutex>

#include "workers/worker_context.h"

namespace faultlab {
namespace {

HeapState g_states[kMaxWorkers];
std::atomic<SharedBoard*> g_board{nullptr};
std::once_flag g_board_once;

// Journal records continue the numbering after the state records.
uint32_t JournalFirst(const HeapState& s) { return s.n; }
constexpr uint32_t kReusedFirst = 1u << 30;

size_t Bytes(const HeapState& s) { return size_t(s.n) * sizeof(HeapRecord); }

bool SharedFault(const Scoreboard& sb) {
  for (uint32_t i = 0; i < sb.n_faults && i < uint32_t(kMaxFaults); ++i)
    if (sb.faults[i].kind == FaultKind::kHeapOverwrite &&
        sb.faults[i].variant == FaultVariant::kShared)
      return true;
  return false;
}

void RebuildJournal(WorkerContext& ctx, HeapState& s) {
  free(s.journal);
  s.journal = static_cast<HeapRecord*>(malloc(Bytes(s)));
  if (s.journal)
    FillRecords(ctx.seed(), ctx.index(), JournalFirst(s), s.n, s.journal);
}

// What this worker read from the process's board.
void DescribeBoard(WorkerContext& ctx, char* out, size_t size) {
  SharedBoard* b = Board();
  const uint64_t v = b->value.load();
  const int writer = b->writer.load();
  if (writer < 0) {
    std::snprintf(out, size,
                  "read 0x%016llx from the shared board at %p: its own "
                  "initial value, no sibling's write reached it",
                  (unsigned long long)v, static_cast<void*>(b));
  } else if (writer == ctx.index()) {
    std::snprintf(out, size, "read back its own 0x%016llx from the board at %p",
                  (unsigned long long)v, static_cast<void*>(b));
  } else {
    ctx.slot().heap_foreign.store(1);
    std::snprintf(out, size,
                  "read 0x%016llx from the shared board at %p: written by "
                  "%s, not by itself",
                  (unsigned long long)v, static_cast<void*>(b),
                  ctx.sb().workers[writer].config.name);
  }
}

}  // namespace

HeapState& HeapStateOf(int worker) { return g_states[worker]; }

SharedBoard* Board() {
  std::call_once(g_board_once, [] {
    auto* b = static_cast<SharedBoard*>(malloc(sizeof(SharedBoard)));
    b->value.store(0);
    b->writer.store(-1);
    b->t_ns.store(0);
    g_board.store(b);
  });
  return g_board.load();
}

void PrepareHeap(WorkerContext& ctx) {
  HeapState& s = g_states[ctx.index()];
  s = HeapState();
  Board();
  const uint32_t want = ctx.config().state_records;
  if (want == 0) return;
  s.n = want < kMinHeapRecords ? kMinHeapRecords : want;
  s.records = static_cast<HeapRecord*>(malloc(Bytes(s)));
  if (!s.records) {
    s.n = 0;
    return;
  }
  FillRecords(ctx.seed(), ctx.index(), 0, s.n, s.records);
  RebuildJournal(ctx, s);
  ctx.slot().heap_records.store(s.n);
  ctx.slot().heap_addr.store(reinterpret_cast<uint64_t>(s.records));
}

uint32_t PublishHeapNote(WorkerContext& ctx, bool final) {
  HeapState& s = g_states[ctx.index()];
  WorkerSlot& slot = ctx.slot();
  char note[sizeof slot.heap_note] = "", part[200];
  uint32_t bad = 0;
  auto add = [&](const char* text) {
    size_t len = strlen(note);
    std::snprintf(note + len, sizeof note - len, "%s%s", len ? "; " : "", text);
  };
  if (s.fault_note[0]) add(s.fault_note);
  struct Block {
    const HeapRecord* at;
    uint32_t n, first;
    const char* what;
  } blocks[] = {{s.records, s.n, 0, "state"},
                {s.journal, s.journal ? s.n : 0, JournalFirst(s), "journal"},
                {s.reused, s.reused_n, kReusedFirst, "reused chunk"}};
  for (const Block& b : blocks) {
    if (!b.at || b.n == 0) continue;
    HeapVerdict v = VerifyRecords(b.at, b.n, ctx.seed(), ctx.index(), b.first);
    if (v.bad_records == 0) continue;
    bad += v.bad_records;
    char d[140];
    DescribeVerdict(v, b.n, b.at, d, sizeof d);
    std::snprintf(part, sizeof part, "%s: %s", b.what, d);
    add(part);
  }
  if (final && SharedFault(ctx.sb())) {
    DescribeBoard(ctx, part, sizeof part);
    add(part);
  }
  std::memcpy(slot.heap_note, note, sizeof note);
  slot.heap_bad_records.store(bad);
  return bad;
}

void CheckHeap(WorkerContext& ctx, bool final) {
  HeapState& s = g_states[ctx.index()];
  const uint32_t before = ctx.slot().heap_bad_records.load();
  const uint32_t bad = PublishHeapNote(ctx, final);
  if (bad > before)
    ctx.Event(EventKind::kHeapCheckFailed, -1, -1, int64_t(bad));
  if (s.records) RebuildJournal(ctx, s);
}

}  // namespace faultlab
