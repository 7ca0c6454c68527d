// Fault points. Every FAULTLAB_POINT() site is a PointSite placed in the
// "faultlab_points" section; the linker brackets the section with
// __start_/__stop_ symbols, so the host walks every site of its binary
// without a constructor per site (which is what keeps an unarmed point at
// one relaxed load: no guard variable, no registration call).
//
// A site is armed when some fault of the trial names it; PointHit() then
// finds the faults for the thread's own worker and counts and fires them in
// the scoreboard, where the counts outlive the process.
#include "faultlab/point.h"

#include <stdio.h>

#include <algorithm>
#include <cstring>

#include "workers/message.h"
#include "workers/scoreboard.h"
#include "workers/sdk/components.h"
#include "workers/worker_context.h"

extern "C" {
// Weak: a host with no point at all has no such section.
extern faultlab::internal::PointSite __start_faultlab_points[]
    __attribute__((weak));
extern faultlab::internal::PointSite __stop_faultlab_points[]
    __attribute__((weak));
}

namespace faultlab::internal {
namespace {

Scoreboard* g_sb = nullptr;

bool Due(const FaultConfig& f, uint64_t hit, uint64_t seed, int k) {
  switch (f.trigger) {
    case TriggerKind::kAfterHits:
      return hit == f.trigger_value;
    case TriggerKind::kEveryHit:
      return f.trigger_value > 0 && hit % f.trigger_value == 0;
    case TriggerKind::kProbability: {
      // The same seed draws the same hits, whatever the timing.
      uint64_t x = seed ^ (uint64_t(k) << 32) ^ hit;
      unsigned char b[8];
      std::memcpy(b, &x, 8);
      return Checksum(b, 8) % 1000000u < f.probability_ppm;
    }
    default:
      return false;
  }
}

}  // namespace

// Arms every site of this binary named `name`; false if there is none.
bool ArmSites(const char* name) {
  bool found = false;
  for (PointSite* p = __start_faultlab_points; p < __stop_faultlab_points; ++p)
    if (std::strcmp(name, p->name) == 0) {
      p->armed.store(1);
      found = true;
    }
  return found;
}

void ArmPoints(Scoreboard* sb, const int* workers, int n) {
  g_sb = sb;
  if (!__start_faultlab_points) return;
  auto hosted = [&](int w) {
    return std::find(workers, workers + n, w) != workers + n;
  };
  for (uint32_t k = 0; k < sb->n_faults && k < uint32_t(kMaxFaults); ++k) {
    FaultConfig& f = sb->faults[k];
    if (f.at[0] == '\0') continue;
    if (hosted(f.target) && ArmSites(f.at)) f.armed.fetch_add(1);
    // The point that ends a park is counted where its worker runs.
    if (f.kind == FaultKind::kPark && hosted(f.until_worker))
      ArmSites(f.until_at);
  }
}

void ListPoints(FILE* out) {
  if (!__start_faultlab_points) return;
  for (PointSite* p = __start_faultlab_points; p < __stop_faultlab_points; ++p)
    fprintf(out, "point %s\n", p->name);
}

bool PointHit(PointSite* site) {
  WorkerContext* w = WorkerContext::Current();
  if (!w || !g_sb) return false;
  const uint32_t n = std::min<uint32_t>(g_sb->n_faults, kMaxFaults);
  // First the parks this hit ends (before any action of this worker here,
  // which may kill it), then this worker's own faults at the point, in the
  // scenario's order.
  for (uint32_t k = 0; k < n; ++k) {
    FaultConfig& f = g_sb->faults[k];
    if (f.kind != FaultKind::kPark || f.until_worker != w->index() ||
        std::strcmp(f.until_at, site->name) != 0)
      continue;
    f.until_reached.fetch_add(1);
    f.wake_word.fetch_add(1);
    WakeParked(f);
  }
  bool error = false;
  for (uint32_t k = 0; k < n; ++k) {
    FaultConfig& f = g_sb->faults[k];
    if (f.target != w->index() || std::strcmp(f.at, site->name) != 0 ||
        f.disarmed.load())
      continue;
    const uint64_t hit = f.reached.fetch_add(1) + 1;
    if (!Due(f, hit, g_sb->header.seed, int(k))) continue;
    f.fired.fetch_add(1);
    w->Fire(f);  // returns for error, delay, park and writes that do not kill
    error |= f.kind == FaultKind::kError;
  }
  return error;
}

}  // namespace faultlab::internal
