// The page follows the wireframe in DESIGN.md: a header line, a summary table
// linking to one section per scenario, and per scenario the two placements side
// by side (stacked on a phone). Everything bulky sits in collapsed <details>,
// so a report with many scenarios opens at once, and the only script opens
// those blocks for printing.
#include "reports/html_report.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "reports/internal/html_program.h"
#include "reports/internal/html_sections.h"
#include "reports/internal/html_style.h"
#include "reports/internal/html_timeline.h"
#include "reports/internal/json_view.h"
#include "reports/internal/outcome.h"
#include "reports/internal/text.h"

namespace faultlab::reports {
namespace {

using internal::Bool;
using internal::EscapeMarkup;
using internal::Field;
using internal::FormatMs;
using internal::Int;
using internal::Items;
using internal::Num;
using internal::Str;
using nlohmann::json;

// Command lines longer than this fold into a <details> under the summary.
constexpr size_t kShortCommand = 160;

std::string E(std::string_view s) { return EscapeMarkup(s); }

// "2026-11-29T00:20:00Z" -> "2026-11-29 00:20 UTC"; other text as is.
std::string RunTime(std::string started) {
  if (started.size() >= 16 && started[10] == 'T') {
    bool utc = started.back() == 'Z';
    return absl::StrCat(started.substr(0, 10), " ", started.substr(11, 5),
                        utc ? " UTC" : "");
  }
  return started;
}

std::string ScenarioId(const json& scenarios, size_t i) {
  return internal::AnchorId("s", static_cast<int>(i) + 1,
                            Str(scenarios[i], "name"));
}

const json* FindPlacement(const json& scenario, std::string_view kind) {
  for (const json& p : Items(scenario, "placements")) {
    if (Str(p, "placement") == kind) return &p;
  }
  return nullptr;
}

const json& FirstTrial(const json& placement) {
  const json& trials = Items(placement, "trials");
  return trials.empty() ? Field(json(), "") : trials[0];
}

// "✔ as expected" or "✘ expected <first failed check>".
std::string Verdict(const json& scenario) {
  if (Bool(scenario, "passed").value_or(false)) {
    return "<span class=\"ok\">✔ as expected</span>";
  }
  for (const json& p : Items(scenario, "placements")) {
    std::vector<std::string> failed = internal::FailedChecks(p);
    if (!failed.empty()) {
      return absl::StrCat("<span class=\"bad\">✘ ", E(Str(p, "placement", "?")),
                          ": expected ", E(failed[0]), "</span>");
    }
  }
  return "<span class=\"bad\">✘ failed</span>";
}

void AppendHeader(const json& result, std::string* out) {
  const json& scenarios = Items(result, "scenarios");
  int passed = 0, failed = 0;
  for (const json& s : scenarios) {
    for (const json& p : Items(s, "placements")) {
      (Bool(p, "passed").value_or(false) ? passed : failed) += 1;
    }
  }
  std::string seed = Str(result, "seed_override", "per scenario");
  absl::StrAppend(
      out, "<header><h1>faultlab report</h1><p class=\"meta\"><b>",
      scenarios.size(), "</b> scenario", scenarios.size() == 1 ? "" : "s",
      " · <b class=\"ok\">", passed, " passed</b> / <b class=\"",
      failed ? "bad" : "ok", "\">", failed, " failed</b> placements · run ",
      E(RunTime(Str(result, "started", "?"))), " · seed ", E(seed), "</p>");
  // A run of many scenarios has a long command line; it folds away so the
  // summary stays at the top of the page (print opens it).
  std::string command = Str(result, "command");
  std::string version = E(Str(result, "faultlab_version", "?"));
  if (command.size() <= kShortCommand) {
    absl::StrAppend(out, "<p class=\"meta mono\">", E(command), " · faultlab ",
                    version, "</p>");
  } else {
    absl::StrAppend(out,
                    "<details class=\"meta cmd\"><summary>command line · "
                    "faultlab ",
                    version, "</summary><p class=\"mono\">", E(command),
                    "</p></details>");
  }
  if (!Bool(result, "complete").value_or(true)) {
    absl::StrAppend(
        out,
        "<p class=\"banner\">This run is incomplete: it was interrupted "
        "or is still going.</p>");
  }
  absl::StrAppend(out, "</header>");
}

void AppendLegend(std::string* out) {
  absl::StrAppend(out, "<div class=\"legend\" aria-label=\"outcome colours\">");
  for (const internal::OutcomeStyle& s : internal::AllOutcomes()) {
    absl::StrAppend(out, "<span class=\"o-", s.name, "\" title=\"", s.meaning,
                    "\"><i class=\"sw\"></i>", s.name, "</span>");
  }
  absl::StrAppend(out, "</div>");
}

// The summary's columns: every placement name of the run, in the order they
// first appear (thread and process, then the scenarios' own groupings).
std::vector<std::string> PlacementColumns(const json& scenarios) {
  std::vector<std::string> names;
  for (const json& s : scenarios)
    for (const json& p : Items(s, "placements")) {
      std::string name = Str(p, "placement", "?");
      if (std::find(names.begin(), names.end(), name) == names.end())
        names.push_back(name);
    }
  if (names.empty()) names = {"thread", "process"};
  return names;
}

// A worker's outcomes over `trials` as one stacked bar (a segment per
// outcome, in the legend's order) and the same in words ("crashed 28 ·
// completed 2"), for the bar's accessible name and the text beside it.
std::pair<std::string, std::string> StackedBar(const json& counts,
                                               int64_t trials) {
  std::string bar, text;
  for (const internal::OutcomeStyle& o : internal::AllOutcomes()) {
    std::optional<int64_t> k = Int(counts, o.name);
    if (!k || *k <= 0) continue;
    absl::StrAppend(
        &bar, "<i class=\"o-", o.name,
        "\" style=\"width:", absl::StrFormat("%.2f", 100.0 * *k / trials),
        "%\" title=\"", o.name, ": ", *k, " of ", trials, "\"></i>");
    absl::StrAppend(&text, text.empty() ? "" : " · ", o.name, " ", *k);
  }
  return {bar, text};
}

// Repeated trials in the summary: a small stacked bar per worker, the pass
// count, and the failing count when some failed.
void AppendSummaryDistribution(const json& p, int64_t trials,
                               std::string* out) {
  const json& summary = Field(p, "summary");
  absl::StrAppend(out, "<span class=\"sdist\">");
  for (const json& w : Items(summary, "outcomes")) {
    const std::string name = Str(w, "worker", "?");
    auto [bar, text] = StackedBar(Field(w, "counts"), trials);
    absl::StrAppend(out, "<span class=\"sdn mono\">", E(name),
                    "</span><span class=\"sbar\" role=\"img\" aria-label=\"",
                    E(name), ": ", E(text), "\">", bar, "</span>");
  }
  int64_t passed = 0;
  for (const json& t : Items(p, "trials"))
    passed += internal::TrialPassed(p, t);
  absl::StrAppend(out, "</span><span class=\"blast\">", passed, " of ", trials,
                  " trials passed</span>");
}

void AppendSummaryCell(const json& scenario, const std::string& kind,
                       std::string* out) {
  const json* p = FindPlacement(scenario, kind);
  absl::StrAppend(out, "<td class=\"ph\" data-label=\"", E(kind),
                  " placement\">");
  if (p == nullptr) {
    absl::StrAppend(out, "<span class=\"muted\">–</span></td>");
    return;
  }
  const size_t trials = Items(*p, "trials").size();
  if (trials > 1 && !Items(Field(*p, "summary"), "outcomes").empty()) {
    AppendSummaryDistribution(*p, int64_t(trials), out);
    if (!Bool(*p, "passed").value_or(false))
      absl::StrAppend(out, " <span class=\"bad\">✘</span>");
    absl::StrAppend(out, "</td>");
    return;
  }
  const json& trial = FirstTrial(*p);
  for (const json& w : Items(trial, "workers")) {
    std::string outcome = Str(w, "outcome", "unknown");
    absl::StrAppend(out, "<i class=\"sq o-", internal::StyleOf(outcome).name,
                    "\" title=\"", E(Str(w, "name", "?")), ": ", E(outcome),
                    "\"></i>");
  }
  std::string target = Str(Field(scenario, "fault"), "target");
  absl::StrAppend(out, "<span class=\"blast\">",
                  internal::BlastText(trial, target), "</span>");
  if (trials > 1)
    absl::StrAppend(out, " <span class=\"muted\">×", trials, "</span>");
  if (!Bool(*p, "passed").value_or(false))
    absl::StrAppend(out, " <span class=\"bad\">✘</span>");
  absl::StrAppend(out, "</td>");
}

void AppendSummary(const json& scenarios, std::string* out) {
  const std::vector<std::string> columns = PlacementColumns(scenarios);
  absl::StrAppend(out,
                  "<nav class=\"summary scroll\" tabindex=\"0\" "
                  "aria-label=\"summary\"><table><thead><tr>"
                  "<th>scenario</th>");
  for (const std::string& c : columns)
    absl::StrAppend(out, "<th>", E(c), " placement</th>");
  absl::StrAppend(out, "<th>verdict</th></tr></thead><tbody>");
  for (size_t i = 0; i < scenarios.size(); ++i) {
    const json& s = scenarios[i];
    absl::StrAppend(out, "<tr><td><a href=\"#", ScenarioId(scenarios, i), "\">",
                    E(Str(s, "name", "(unnamed)")), "</a></td>");
    for (const std::string& c : columns) AppendSummaryCell(s, c, out);
    absl::StrAppend(out, "<td class=\"verdict\">", Verdict(s), "</td></tr>");
  }
  absl::StrAppend(out, "</tbody></table></nav>");
}

void AppendChecks(const json& placement, bool repeated, std::string* out) {
  const json& checks = Items(placement, "expectations");
  if (checks.empty()) return;
  absl::StrAppend(out, "<ul class=\"checks\">");
  if (Bool(placement, "no_expectations").value_or(false))
    absl::StrAppend(out,
                    "<li><b>no expectations</b>: the scenario states none for "
                    "this placement; nothing was checked but that the fault "
                    "fired</li>");
  for (const json& c : checks) {
    bool ok = Bool(c, "passed").value_or(false);
    absl::StrAppend(
        out, "<li>",
        ok ? "<span class=\"ok\">✔</span> " : "<span class=\"bad\">✘</span> ",
        E(Str(c, "check", "(unnamed check)")));
    std::optional<int64_t> held = Int(c, "held"), n = Int(c, "trials");
    if (repeated && held && n) {
      absl::StrAppend(
          out, " <span class=\"muted\">— held in ",
          E(internal::RateText(*held, *n, Field(c, "wilson95"))), ", needs ",
          E(internal::RequiredRateText(Num(c, "required_rate").value_or(1))),
          "</span>");
    }
    if (!ok) {
      absl::StrAppend(out, " <span class=\"actual\">— actual: ",
                      E(Str(c, "actual", "?")), "</span>");
    }
    absl::StrAppend(out, "</li>");
  }
  absl::StrAppend(out, "</ul>");
}

void AppendTrial(const json& trial, std::string_view target, std::string* out) {
  absl::StrAppend(
      out, "<p class=\"meta trial\">seed ", E(Str(trial, "seed", "?")),
      " · <b>", internal::BlastText(trial, target), "</b>",
      Bool(trial, "contained").value_or(false) ? " (contained)" : "", " · ",
      FormatMs(Num(trial, "duration_ms")),
      Bool(trial, "deadline_hit").value_or(false) ? " (ran to the deadline)"
                                                  : "");
  if (std::optional<double> lat = Num(trial, "detection_latency_ms")) {
    absl::StrAppend(out, " · detected in ", FormatMs(lat));
  }
  absl::StrAppend(out, "</p>");
  internal::AppendProcessBoxes(trial, out);
  if (std::string svg = internal::RenderProgramTimeline(trial); !svg.empty()) {
    absl::StrAppend(out, "<div class=\"tl\" tabindex=\"0\">", svg,
                    "</div><p class=\"key\">", internal::ProgramTimelineKey(),
                    "</p>");
    internal::AppendEvidence(trial, out);
    return;
  }
  std::string svg = internal::RenderTimeline(trial);
  if (!svg.empty()) {
    absl::StrAppend(out, "<div class=\"tl\" tabindex=\"0\">", svg,
                    "</div><p class=\"key\">", internal::TimelineKey(), "</p>");
  }
  internal::AppendEvidence(trial, out);
}

// One stacked bar per worker: its outcomes over the placement's trials.
void AppendDistribution(const json& summary, int64_t trials, std::string* out) {
  const json& workers = Items(summary, "outcomes");
  if (workers.empty() || trials <= 0) return;
  absl::StrAppend(out,
                  "<div class=\"dist\"><p class=\"sub muted\">outcomes "
                  "over ",
                  trials, " trials</p>");
  for (const json& w : workers) {
    const json& counts = Field(w, "counts");
    std::string name = Str(w, "worker", "?");
    auto [bar, text] = StackedBar(counts, trials);
    absl::StrAppend(out, "<div class=\"drow\"><span class=\"wn mono\">",
                    E(name),
                    "</span><span class=\"sbar\" role=\"img\" "
                    "aria-label=\"",
                    E(name), ": ", E(text), "\">", bar,
                    "</span><span class=\"dn\">", E(text), "</span></div>");
  }
  absl::StrAppend(out, "</div>");
}

void AppendRepeated(const json& scenario, const json& p, std::string* out) {
  std::string target = Str(Field(scenario, "fault"), "target");
  std::string kind = Str(p, "placement", "?");
  const json& trials = Items(p, "trials");
  int64_t n = trials.size(), passed = 0;
  for (const json& t : trials) passed += internal::TrialPassed(p, t);
  const json& summary = Field(p, "summary");
  absl::StrAppend(
      out, "<p class=\"rate\"><b>", passed, " of ", n, "</b> trials passed · ",
      E(internal::RateText(passed, n, Field(summary, "wilson95"))), "</p>");
  AppendDistribution(summary, n, out);
  AppendChecks(p, true, out);
  std::vector<std::string> replays;
  for (const json& t : trials)
    if (!internal::TrialPassed(p, t))
      replays.push_back(internal::ReplayCommand(scenario, kind, t));
  if (!replays.empty()) {
    absl::StrAppend(out,
                    "<p class=\"sub\">failing seeds, each rerun by:</p>"
                    "<ul class=\"replay\">");
    for (const std::string& r : replays)
      absl::StrAppend(out, "<li><code>", E(r), "</code></li>");
    absl::StrAppend(out, "</ul>");
  }
  for (size_t i = 0; i < trials.size(); ++i) {
    const json& t = trials[i];
    bool ok = internal::TrialPassed(p, t);
    std::vector<std::string> failed = internal::TrialFailedChecks(t);
    absl::StrAppend(out, "<details class=\"trial\"><summary>trial ", i + 1,
                    " of ", n, " · seed ", E(Str(t, "seed", "?")), " · ",
                    ok ? "<span class=\"ok\">pass</span>"
                       : "<span class=\"bad\">FAIL</span>");
    if (!failed.empty()) absl::StrAppend(out, " · ", E(failed[0]));
    if (failed.size() > 1) absl::StrAppend(out, " (+", failed.size() - 1, ")");
    absl::StrAppend(out, "</summary>");
    if (failed.size() > 1) {
      absl::StrAppend(out, "<ul class=\"checks\">");
      for (const std::string& f : failed)
        absl::StrAppend(out, "<li><span class=\"bad\">✘</span> ", E(f),
                        "</li>");
      absl::StrAppend(out, "</ul>");
    }
    AppendTrial(t, target, out);
    absl::StrAppend(out, "</details>");
  }
}

void AppendPlacement(const json& scenario, const json& p, std::string* out) {
  bool ok = Bool(p, "passed").value_or(false);
  absl::StrAppend(out, "<div class=\"placement\"><header><h3>",
                  E(Str(p, "placement", "?")),
                  " placement</h3><span class=\"pill", ok ? "" : " bad", "\">",
                  ok ? "PASS" : "FAIL", "</span></header>");
  std::string layout = internal::GroupsText(p);
  if (!layout.empty())
    absl::StrAppend(out, "<p class=\"meta mono\">", E(layout), "</p>");
  std::string error = Str(p, "error");
  if (!error.empty())
    absl::StrAppend(out,
                    "<p class=\"banner\"><b>harness error</b> (no "
                    "verdict on the subject): ",
                    E(error), "</p>");
  std::string target = Str(Field(scenario, "fault"), "target");
  const json& trials = Items(p, "trials");
  if (trials.size() > 1) {
    AppendRepeated(scenario, p, out);
  } else {
    AppendChecks(p, false, out);
    if (!trials.empty()) {
      AppendTrial(trials[0], target, out);
      if (!internal::TrialPassed(p, trials[0]))
        absl::StrAppend(out, "<p class=\"sub\">rerun: <code>",
                        E(internal::ReplayCommand(
                            scenario, Str(p, "placement", "?"), trials[0])),
                        "</code></p>");
    }
  }
  if (trials.empty())
    absl::StrAppend(out, "<p class=\"muted\">no trial recorded</p>");
  absl::StrAppend(out, "</div>");
}

void AppendScenario(const json& scenarios, size_t i, std::string* out) {
  const json& s = scenarios[i];
  absl::StrAppend(out, "<section class=\"scenario\" id=\"",
                  ScenarioId(scenarios, i), "\"><h2>",
                  E(Str(s, "name", "(unnamed)")), " ", Verdict(s), "</h2>");
  std::string desc = Str(s, "description");
  absl::StrAppend(out, "<p class=\"desc\">",
                  desc.empty() ? "" : absl::StrCat("“", E(desc), "” · "),
                  E(internal::FaultsText(s)), " · <span class=\"mono\">",
                  E(Str(s, "file")), "</span></p><div class=\"placements\">");
  for (const json& p : Items(s, "placements")) AppendPlacement(s, p, out);
  absl::StrAppend(out, "</div></section>");
}

}  // namespace

std::string RenderHtml(const json& result) {
  const json& scenarios = Items(result, "scenarios");
  std::string out;
  out.reserve(16384 + scenarios.size() * 16384);
  absl::StrAppend(
      &out,
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src "
      "'none'; "
      "style-src 'unsafe-inline'; img-src data:; script-src 'sha256-",
      internal::ReportScriptSha256(),
      "'\">"
      "<title>faultlab report",
      Bool(result, "passed").value_or(false) ? " · passed" : " · failed",
      "</title><style>", internal::ReportCss(), "</style></head><body><main>");
  AppendHeader(result, &out);
  AppendLegend(&out);
  AppendSummary(scenarios, &out);
  for (size_t i = 0; i < scenarios.size(); ++i)
    AppendScenario(scenarios, i, &out);
  absl::StrAppend(&out, "<footer>",
                  E(Str(result, "schema", "faultlab.result/?")),
                  " · rendered by faultlab report</footer></main><script>",
                  internal::ReportScript(), "</script></body></html>\n");
  return out;
}

}  // namespace faultlab::reports
