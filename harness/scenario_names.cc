#include <string>

#include "absl/strings/str_cat.h"
#include "harness/scenario.h"

namespace faultlab {

PlacementSpec ThreadPlacement(size_t n_workers) {
  PlacementSpec p{"thread", {{}}};
  for (size_t i = 0; i < n_workers; ++i) p.groups[0].push_back(int(i));
  return p;
}

PlacementSpec ProcessPlacement(size_t n_workers) {
  PlacementSpec p{"process", {}};
  for (size_t i = 0; i < n_workers; ++i) p.groups.push_back({int(i)});
  return p;
}

const Fault* Scenario::FaultOf(int w) const {
  const Fault* first = nullptr;
  for (const Fault& f : faults) {
    if (f.target != w) continue;
    if (f.at.empty()) return &f;
    if (!first) first = &f;
  }
  return first;
}

const PlacementSpec* Scenario::FindPlacement(std::string_view name) const {
  for (const PlacementSpec& p : placements)
    if (p.name == name) return &p;
  return nullptr;
}

const char* FaultKindName(FaultKind k) {
  switch (k) {
    case FaultKind::kNone:
      return "none";
    case FaultKind::kSegfault:
      return "segfault";
    case FaultKind::kAbort:
      return "abort";
    case FaultKind::kExit:
      return "exit";
    case FaultKind::kHeapOverwrite:
      return "heap_overwrite";
    case FaultKind::kDeadlock:
      return "deadlock";
    case FaultKind::kHang:
      return "hang";
    case FaultKind::kError:
      return "error";
    case FaultKind::kDelay:
      return "delay";
    case FaultKind::kSignal:
      return "signal";
    case FaultKind::kPark:
      return "park";
  }
  return "?";
}

const char* FaultVariantName(FaultVariant v) {
  switch (v) {
    case FaultVariant::kDefault:
      return "default";
    case FaultVariant::kNullWrite:
      return "null_write";
    case FaultVariant::kWildPointer:
      return "wild_pointer";
    case FaultVariant::kStackOverflow:
      return "stack_overflow";
    case FaultVariant::kOverflow:
      return "overflow";
    case FaultVariant::kSibling:
      return "sibling";
    case FaultVariant::kShm:
      return "shm";
    case FaultVariant::kDoubleFree:
      return "double_free";
    case FaultVariant::kUseAfterFree:
      return "use_after_free";
    case FaultVariant::kLockOrder:
      return "lock_order";
    case FaultVariant::kHeldForever:
      return "held_forever";
    case FaultVariant::kPipeCycle:
      return "pipe_cycle";
    case FaultVariant::kSelf:
      return "self";
    case FaultVariant::kBusy:
      return "busy";
    case FaultVariant::kSleep:
      return "sleep";
    case FaultVariant::kShared:
      return "shared";
  }
  return "?";
}

const char* RoleName(Role r) {
  switch (r) {
    case Role::kProducer:
      return "producer";
    case Role::kRelay:
      return "relay";
    case Role::kSink:
      return "sink";
    case Role::kLocker:
      return "locker";
    case Role::kIdle:
      return "idle";
    case Role::kComponent:
      return "component";
  }
  return "?";
}

const char* PolicyName(Policy p) {
  switch (p) {
    case Policy::kStop:
      return "stop";
    case Policy::kWait:
      return "wait";
    case Policy::kContinue:
      return "continue";
  }
  return "?";
}

std::string TriggerText(const Fault& f) {
  if (f.kind == FaultKind::kNone) return "never";
  if (!f.at.empty()) {
    std::string where = absl::StrCat("at ", f.at, ", ");
    if (f.trigger == TriggerKind::kEveryHit)
      return absl::StrCat(where, "every ", f.trigger_value, " hits");
    if (f.trigger == TriggerKind::kProbability)
      return absl::StrCat(where, "each hit with probability ",
                          f.probability_ppm / 1e6, " (from the seed)");
    return absl::StrCat(where, "hit ", f.trigger_value);
  }
  if (f.random_trigger)
    return "random: after a message count drawn from each trial's seed";
  if (f.trigger == TriggerKind::kAfterMs)
    return absl::StrCat("after ", f.trigger_value, " ms");
  if (f.trigger_value == 0) return "at the start, before any message";
  return absl::StrCat("after ", f.trigger_value, " messages");
}

}  // namespace faultlab
