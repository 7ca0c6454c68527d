// Park: a thread held at its fault point until another worker reaches a
// named point. The wait is a futex on the fault's wake_word in the
// scoreboard (a shared mapping, so a hit in another process ends it), in
// slices of at most 20 ms so the heartbeat goes on and a time-triggered
// fault of the same worker still fires. Nothing is locked while parked:
// the waker and the disarming supervisor only bump the word and wake.
#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>

#include "workers/faults.h"
#include "workers/worker_context.h"

namespace faultlab {

void Park(WorkerContext& ctx, FaultConfig& f) {
  const uint64_t until =
      MonotonicNs() + uint64_t(f.park_timeout_ms) * 1'000'000;
  for (;;) {
    const uint32_t seen = f.wake_word.load();
    if (f.disarmed.load()) {
      f.woken_by_disarm.fetch_add(1);
      return;
    }
    if (f.until_reached.load() >= std::max<uint32_t>(f.until_hits, 1)) {
      f.woken_by_point.fetch_add(1);
      return;
    }
    const uint64_t now = MonotonicNs();
    if (now >= until) {
      f.woken_by_timeout.fetch_add(1);
      return;
    }
    const uint64_t slice = std::min<uint64_t>(until - now, 20'000'000);
    timespec ts{time_t(slice / 1'000'000'000), long(slice % 1'000'000'000)};
    // Returns at once if the word moved since `seen` (EAGAIN).
    syscall(SYS_futex, reinterpret_cast<uint32_t*>(&f.wake_word), FUTEX_WAIT,
            seen, &ts, nullptr, 0);
    ctx.Tick();
  }
}

}  // namespace faultlab
