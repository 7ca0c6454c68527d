// Tolerant read access to the result JSON (faultlab.result/1).
//
// Reports must render whatever a run left behind: an interrupted run, an
// older or newer writer, a hand-edited file. Every accessor here returns a
// fallback instead of throwing when a key is missing, null or of another type.
#ifndef FAULTLAB_REPORTS_INTERNAL_JSON_VIEW_H_
#define FAULTLAB_REPORTS_INTERNAL_JSON_VIEW_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace faultlab::reports::internal {

// " at 0x…" for a crash the kernel raised on an address (SEGV_*, BUS_*);
// "" for a signal sent by a process (SI_TKILL from abort(), SI_USER), whose
// siginfo carries no address.
std::string CrashAddressText(const nlohmann::json& crash);

// j[key] if j is an object holding key, else a static null value.
const nlohmann::json& Field(const nlohmann::json& j, std::string_view key);

// j[key] if it is an array, else a static empty array. Safe to range-for.
const nlohmann::json& Items(const nlohmann::json& j, std::string_view key);

// j[key] as text: strings as-is, numbers and booleans printed, else fallback.
std::string Str(const nlohmann::json& j, std::string_view key,
                std::string_view fallback = "");

std::optional<double> Num(const nlohmann::json& j, std::string_view key);
std::optional<int64_t> Int(const nlohmann::json& j, std::string_view key);
std::optional<bool> Bool(const nlohmann::json& j, std::string_view key);

// "61.3 ms", "1.25 s"; "–" for nullopt.
std::string FormatMs(std::optional<double> ms);

// Number of workers that count for the blast radius: all but the fault target.
int BlastDenominator(const nlohmann::json& trial, std::string_view target);

// "blast 2/2" style text for a trial of a scenario with the given target.
std::string BlastText(const nlohmann::json& trial, std::string_view target);

// Text of the failed expectation checks: "check (actual: x)", one per entry.
std::vector<std::string> FailedChecks(const nlohmann::json& placement);

// "fault: segfault (null_write) in relay[0], after 40 messages", or
// "faults: ...; ..." when the scenario has several; "no fault".
std::string FaultsText(const nlohmann::json& scenario);

// How a placement the scenario named groups its workers into processes:
// "processes: {web[0] cache[0]} {store[0]}"; "" for thread and process,
// whose layout their name says.
std::string GroupsText(const nlohmann::json& placement);

// A trial's own verdict: its "passed", or (a result from before trials had
// one) its placement's.
bool TrialPassed(const nlohmann::json& placement, const nlohmann::json& trial);

// The failed checks of one trial, as FailedChecks.
std::vector<std::string> TrialFailedChecks(const nlohmann::json& trial);

// "97%" (a fraction in [0, 1]); "–" for nullopt.
std::string Percent(std::optional<double> fraction);

// "29/30 (97%, 95% CI 83–99%)" from counts and a {"low","high"} object.
std::string RateText(int64_t held, int64_t trials,
                     const nlohmann::json& wilson95);

// "every trial" for 1, "≥ 90% of trials" otherwise.
std::string RequiredRateText(double required);

// The command line that reruns one trial on its own:
// "faultlab run scenarios/x.yaml --placement thread --seed 45".
std::string ReplayCommand(const nlohmann::json& scenario,
                          std::string_view placement,
                          const nlohmann::json& trial);

}  // namespace faultlab::reports::internal

#endif  // FAULTLAB_REPORTS_INTERNAL_JSON_VIEW_H_
