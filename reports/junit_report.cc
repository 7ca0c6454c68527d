// Only the attributes every common reader accepts are written (tests,
// failures, errors, time, timestamp); see reports/schema/junit.xsd, which the
// tests validate against. Times are seconds, as JUnit readers expect.
#include "reports/junit_report.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "reports/internal/json_view.h"
#include "reports/internal/program_text.h"
#include "reports/internal/text.h"

namespace faultlab::reports {
namespace {

using internal::Bool;
using internal::EscapeMarkup;
using internal::Field;
using internal::Items;
using internal::Num;
using internal::Str;
using nlohmann::json;

std::string X(std::string_view s) { return EscapeMarkup(s); }

double PlacementSeconds(const json& placement) {
  double ms = 0;
  for (const json& t : Items(placement, "trials"))
    ms += Num(t, "duration_ms").value_or(0);
  return ms / 1000;
}

std::string Seconds(double s) { return absl::StrFormat("%.3f", s); }

// Plain-text table of one trial's workers, for <system-out>.
std::string WorkerTable(const json& trial) {
  std::vector<std::vector<std::string>> rows = {
      {"worker", "outcome", "signal", "detail"}};
  for (const json& w : Items(trial, "workers")) {
    rows.push_back({Str(w, "name", "?"), Str(w, "outcome", "?"),
                    Str(w, "signal", "-"), Str(w, "detail")});
  }
  std::vector<size_t> width(4, 0);
  for (const auto& r : rows) {
    for (size_t c = 0; c < 3; ++c)
      width[c] = std::max(width[c], internal::DisplayWidth(r[c]));
  }
  std::string out;
  for (const auto& r : rows) {
    for (size_t c = 0; c < 3; ++c) {
      absl::StrAppend(
          &out, r[c],
          std::string(width[c] - internal::DisplayWidth(r[c]) + 2, ' '));
    }
    absl::StrAppend(&out, r[3], "\n");
  }
  return out;
}

// A crash record as text: who, what, and up to 16 frames.
void AppendCrashText(const json& crash, std::string* out) {
  if (!crash.is_object()) return;
  absl::StrAppend(out, "crash: ", Str(crash, "worker", "?"), " ",
                  Str(crash, "signal", "?"), " ", Str(crash, "si_code"), " at ",
                  Str(crash, "address", "?"), "\n");
  const json& frames = Items(crash, "frames");
  for (size_t f = 0; f < frames.size() && f < 16; ++f) {
    std::string loc = Str(frames[f], "file");
    if (!loc.empty()) {
      absl::StrAppend(&loc, ":", Str(frames[f], "line", "?"));
    } else {
      loc = absl::StrCat(Str(frames[f], "module", "?"), " ",
                         Str(frames[f], "address"));
    }
    absl::StrAppend(out, "  #", f, " ", Str(frames[f], "function", "??"), " ",
                    loc, "\n");
  }
}

// `number`: the one trial's number in its placement, for a testcase of one
// trial (0: the testcase is the whole placement).
std::string SystemOut(const json& scenario, const json& placement, int number) {
  std::string out = internal::GroupsText(placement);
  if (!out.empty()) out += "\n";
  if (Bool(placement, "no_expectations").value_or(false))
    out +=
        "no expectations: the scenario states none for this placement; "
        "nothing was checked but that the fault fired\n";
  const json& trials = Items(placement, "trials");
  for (size_t i = 0; i < trials.size(); ++i) {
    const json& t = trials[i];
    absl::StrAppend(
        &out, "trial ",
        number ? absl::StrCat(number) : absl::StrCat(i + 1, "/", trials.size()),
        ": ", internal::TrialPassed(placement, t) ? "PASS" : "FAIL", ", seed ",
        Str(t, "seed", "?"), ", blast radius ", Str(t, "blast_radius", "?"),
        ", ", internal::FormatMs(Num(t, "duration_ms")), "\n");
    for (const std::string& f : internal::TrialFailedChecks(t))
      absl::StrAppend(&out, "failed: ", f, "\n");
    if (!internal::TrialPassed(placement, t))
      absl::StrAppend(&out, "rerun: ",
                      internal::ReplayCommand(
                          scenario, Str(placement, "placement", "?"), t),
                      "\n");
    absl::StrAppend(&out, WorkerTable(t), internal::ProgramText(t));
    const json& hang = Field(t, "hang");
    if (hang.is_object()) {
      absl::StrAppend(&out, "hang detected at ",
                      internal::FormatMs(Num(hang, "detected_ms")), "\n");
      for (const json& c : Items(hang, "cycle")) {
        if (c.is_string())
          absl::StrAppend(&out, "  ", c.get<std::string>(), "\n");
      }
    }
    AppendCrashText(Field(t, "crash"), &out);
    for (const json& c : Items(t, "other_crashes")) AppendCrashText(c, &out);
  }
  return out;
}

// The subjects' stderr of every trial that has any.
std::string SystemErr(const json& placement) {
  std::string out;
  const json& trials = Items(placement, "trials");
  for (size_t i = 0; i < trials.size(); ++i) {
    std::string err = Str(trials[i], "stderr");
    if (err.empty()) continue;
    if (trials.size() > 1) absl::StrAppend(&out, "--- trial ", i + 1, "\n");
    absl::StrAppend(&out, err, err.back() == '\n' ? "" : "\n");
  }
  return out;
}

void AppendTestcase(const json& scenario, const json& placement,
                    std::string* out, int number = 0) {
  // A name that stands alone in a CI UI's list: "segfault [thread]".
  std::string name = Str(scenario, "name", "unnamed");
  std::string test =
      absl::StrCat(name, " [", Str(placement, "placement", "unknown"),
                   number ? absl::StrCat(" #", number) : "", "]");
  absl::StrAppend(out, "    <testcase classname=\"faultlab.", X(name),
                  "\" name=\"", X(test), "\"");
  std::string file = Str(scenario, "file");
  if (!file.empty()) absl::StrAppend(out, " file=\"", X(file), "\"");
  absl::StrAppend(out, " time=\"", Seconds(PlacementSeconds(placement)),
                  "\">\n");
  const std::string error = Str(placement, "error");
  if (!error.empty()) {
    // faultlab failed, not the subject: an error, not a failure.
    std::string message = absl::StrCat("harness error: ", error);
    for (char& c : message)
      if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    absl::StrAppend(out, "      <error message=\"", X(message),
                    "\" type=\"harness\">", X(error), "\n</error>\n");
  } else if (!Bool(placement, "passed").value_or(false)) {
    std::vector<std::string> failed = internal::FailedChecks(placement);
    // Which trials failed, by seed, and how to rerun one.
    std::vector<std::string> seeds, replays;
    const json& trials = Items(placement, "trials");
    for (const json& t : trials) {
      if (internal::TrialPassed(placement, t)) continue;
      seeds.push_back(Str(t, "seed", "?"));
      replays.push_back(internal::ReplayCommand(
          scenario, Str(placement, "placement", "?"), t));
    }
    std::string message =
        failed.empty()
            ? "placement failed"
            : absl::StrCat(
                  "expected ", failed[0],
                  failed.size() > 1
                      ? absl::StrCat(" (+", failed.size() - 1, " more)")
                      : "");
    if (!seeds.empty())
      absl::StrAppend(&message, "; ", seeds.size(), " of ", trials.size(),
                      " trial", trials.size() == 1 ? "" : "s", " failed, seed",
                      seeds.size() == 1 ? " " : "s ",
                      absl::StrJoin(seeds, ", "));
    for (char& c : message) {
      if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    }
    std::string body =
        failed.empty()
            ? "no expectation recorded as failed\n"
            : absl::StrCat("failed: ", absl::StrJoin(failed, "\nfailed: "),
                           "\n");
    for (const std::string& r : replays)
      absl::StrAppend(&body, "rerun: ", r, "\n");
    absl::StrAppend(out, "      <failure message=\"", X(message),
                    "\" type=\"expectation\">", X(body), "</failure>\n");
  }
  absl::StrAppend(out, "      <system-out>",
                  X(SystemOut(scenario, placement, number)), "</system-out>\n");
  std::string err = SystemErr(placement);
  if (!err.empty()) {
    absl::StrAppend(out, "      <system-err>", X(err), "</system-err>\n");
  }
  absl::StrAppend(out, "    </testcase>\n");
}

std::string SuiteTag(const json& s, int tests, int failures, double seconds,
                     std::string_view stamp, int errors = 0) {
  std::string tag = absl::StrCat(
      "  <testsuite name=\"", X(Str(s, "name", "unnamed")), "\" tests=\"",
      tests, "\" failures=\"", failures, "\" errors=\"", errors,
      "\" skipped=\"0\" time=\"", Seconds(seconds), "\"");
  if (stamp.size() == 19)
    absl::StrAppend(&tag, " timestamp=\"", X(stamp), "\"");
  return tag;
}

std::string SuitesTag(int tests, int failures, double seconds, int errors = 0) {
  return absl::StrCat("<testsuites name=\"faultlab\" tests=\"", tests,
                      "\" failures=\"", failures, "\" errors=\"", errors,
                      "\" time=\"", Seconds(seconds), "\"");
}

// The run's start as JUnit's timestamp wants it (no zone letter).
std::string Stamp(const json& result) {
  std::string stamp = Str(result, "started");
  if (!stamp.empty() && stamp.back() == 'Z') stamp.pop_back();
  return stamp;
}

}  // namespace

std::string JunitHead() {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
}

std::string JunitSuitesTag(int tests, int failures, double seconds) {
  return SuitesTag(tests, failures, seconds);
}

std::string JunitSuiteTag(const json& result, const json& scenario, int tests,
                          int failures, double seconds) {
  return SuiteTag(scenario, tests, failures, seconds, Stamp(result));
}

std::string RenderJunitTrialCase(const json& scenario, const json& placement,
                                 int number) {
  std::string out;
  AppendTestcase(scenario, placement, &out, number);
  return out;
}

double JunitSeconds(const json& placement) {
  return PlacementSeconds(placement);
}

std::string RenderJunit(const json& result) {
  const json& scenarios = Items(result, "scenarios");
  int tests = 0, failures = 0, errors = 0;
  double seconds = 0;
  std::string suites;
  const std::string stamp = Stamp(result);
  for (const json& s : scenarios) {
    int s_tests = 0, s_failures = 0, s_errors = 0;
    double s_seconds = 0;
    std::string cases;
    for (const json& p : Items(s, "placements")) {
      ++s_tests;
      if (!Str(p, "error").empty())
        ++s_errors;
      else if (!Bool(p, "passed").value_or(false))
        ++s_failures;
      s_seconds += PlacementSeconds(p);
      AppendTestcase(s, p, &cases);
    }
    absl::StrAppend(
        &suites, SuiteTag(s, s_tests, s_failures, s_seconds, stamp, s_errors),
        ">\n", cases, "  </testsuite>\n");
    tests += s_tests;
    failures += s_failures;
    errors += s_errors;
    seconds += s_seconds;
  }
  return absl::StrCat(JunitHead(), SuitesTag(tests, failures, seconds, errors),
                      ">\n", suites, "</testsuites>\n");
}

}  // namespace faultlab::reports
