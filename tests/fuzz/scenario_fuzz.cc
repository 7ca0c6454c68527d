// Fuzz target: bytes as the text of a scenario file, through what
// `faultlab validate` does with it: the loader (built-in and `program:`
// scenarios), the check against the worker host's components and fault
// points, the line validate prints, and the trial plan of every placement.
// A crash, a hang, an escaping exception or a sanitizer report is a finding;
// so is a refusal that does not name file:line:column.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <regex>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "harness/host_check.h"
#include "harness/run_command.h"
#include "harness/scenario_loader.h"
#include "harness/trial.h"

namespace {

constexpr char kFile[] = "fuzz.yaml";
faultlab::HostInventory* host = nullptr;

void RequirePosition(const absl::Status& st) {
  static const std::regex kPositioned(R"(^fuzz\.yaml:[0-9]+:[0-9]+: error: )");
  const std::string msg(st.message());
  if (st.code() == absl::StatusCode::kInvalidArgument &&
      std::regex_search(msg, kPositioned))
    return;
  std::fprintf(stderr, "refusal without file:line:column: %s\n", msg.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  // The real host's inventory, read once (the check itself spawns nothing).
  absl::StatusOr<faultlab::HostInventory> inv =
      faultlab::QueryHost(FAULTLAB_WORKER_EXE);
  if (!inv.ok()) {
    std::fprintf(stderr, "cannot list %s: %s\n", FAULTLAB_WORKER_EXE,
                 std::string(inv.status().message()).c_str());
    std::exit(2);
  }
  host = new faultlab::HostInventory(*std::move(inv));
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // LoadScenarioFile refuses a longer file before parsing it.
  if (size > faultlab::kMaxScenarioBytes) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<faultlab::Scenario> s =
      faultlab::LoadScenarioText(text, kFile);
  if (!s.ok()) {
    RequirePosition(s.status());
    return 0;
  }
  if (absl::Status st =
          faultlab::CheckAgainstHost(*s, FAULTLAB_WORKER_EXE, *host);
      !st.ok()) {
    RequirePosition(st);
    return 0;
  }
  if (faultlab::ValidateLine(*s).empty()) std::abort();
  if (!s->program)
    for (const faultlab::PlacementSpec& p : s->placements)
      (void)faultlab::MakePlan(*s, p, /*seed=*/size);
  return 0;
}
