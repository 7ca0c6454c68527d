#include "reports/console_report.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "reports/internal/json_view.h"
#include "reports/internal/outcome.h"
#include "reports/internal/text.h"

namespace faultlab::reports {
namespace {

using internal::Bool;
using internal::CleanText;
using internal::DisplayWidth;
using internal::Field;
using internal::FormatMs;
using internal::Items;
using internal::Num;
using internal::Str;
using nlohmann::json;

constexpr size_t kMaxFrames = 8;

class Painter {
 public:
  explicit Painter(bool on) : on_(on) {}
  std::string operator()(const char* sgr, const std::string& text) const {
    if (!on_ || text.empty()) return text;
    return absl::StrCat("\x1b[", sgr, "m", text, "\x1b[0m");
  }

 private:
  bool on_;
};

std::string PassFail(bool ok, const Painter& paint) {
  return ok ? paint("1;32", "PASS") : paint("1;31", "FAIL");
}

std::string Pad(const std::string& s, size_t width) {
  size_t w = DisplayWidth(s);
  return absl::StrCat(s, std::string(w < width ? width - w : 0, ' '));
}

// Worker rows; the outcome column is padded before colouring so ANSI codes
// do not disturb the alignment.
// At most `cols` code points of `s`, the last of them "…" when cut.
std::string Fit(const std::string& s, size_t cols) {
  if (DisplayWidth(s) <= cols) return s;
  std::string out;
  size_t n = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    bool starts = (static_cast<unsigned char>(s[i]) & 0xC0) != 0x80;
    if (starts && ++n > cols - 1) break;
    out += s[i];
  }
  return out + "…";
}

void AppendWorkers(const json& trial, const Painter& paint, size_t max_width,
                   std::string* out) {
  std::vector<std::vector<std::string>> rows = {
      {"worker", "outcome", "pid", "signal", "detail"}};
  for (const json& w : Items(trial, "workers")) {
    rows.push_back({CleanText(Str(w, "name", "?")),
                    CleanText(Str(w, "outcome", "?")), Str(w, "pid", "-"),
                    CleanText(Str(w, "signal", "-")),
                    CleanText(Str(w, "detail"))});
  }
  std::vector<size_t> width(5, 0);
  for (const auto& r : rows) {
    for (size_t c = 0; c < 4; ++c)
      width[c] = std::max(width[c], DisplayWidth(r[c]));
  }
  for (size_t i = 0; i < rows.size(); ++i) {
    const auto& r = rows[i];
    std::string line = "    ";
    for (size_t c = 0; c < 4; ++c) {
      std::string cell = Pad(r[c], width[c] + 2);
      if (i > 0 && c == 1) cell = paint(internal::StyleOf(r[1]).ansi, cell);
      if (i == 0) cell = paint("2", cell);
      absl::StrAppend(&line, cell);
    }
    // The detail column takes what the terminal has left (at least 12).
    size_t used = 4;
    for (size_t c = 0; c < 4; ++c) used += width[c] + 2;
    std::string detail = r[4];
    if (max_width > 0)
      detail = Fit(detail, max_width > used + 12 ? max_width - used : 12);
    absl::StrAppend(&line, i == 0 ? paint("2", detail) : detail);
    while (!line.empty() && line.back() == ' ') line.pop_back();
    absl::StrAppend(out, line, "\n");
  }
}

void AppendCrash(const json& crash, std::string* out) {
  if (!crash.is_object()) return;
  absl::StrAppend(out, "    crash: ", CleanText(Str(crash, "worker", "?")), " ",
                  CleanText(Str(crash, "signal", "?")), " ",
                  CleanText(Str(crash, "si_code", "?")),
                  CleanText(internal::CrashAddressText(crash)), " thread ",
                  CleanText(Str(crash, "thread", "?")), " tid ",
                  Str(crash, "tid", "?"), "\n");
  const json& frames = Items(crash, "frames");
  for (size_t i = 0; i < frames.size() && i < kMaxFrames; ++i) {
    const json& f = frames[i];
    std::string loc = CleanText(Str(f, "file"));
    if (loc.empty()) {
      loc = CleanText(
          absl::StrCat(Str(f, "module", "?"), " ", Str(f, "address")));
    } else {
      absl::StrAppend(&loc, ":", Str(f, "line", "?"));
    }
    absl::StrAppend(out, "      #", i, " ", CleanText(Str(f, "function", "??")),
                    " ", loc, "\n");
  }
  if (frames.size() > kMaxFrames) {
    absl::StrAppend(out, "      ... ", frames.size() - kMaxFrames,
                    " more frames\n");
  }
}

void AppendHang(const json& hang, std::string* out) {
  if (!hang.is_object()) return;
  absl::StrAppend(out, "    hang detected at ",
                  FormatMs(Num(hang, "detected_ms")), "\n");
  for (const json& c : Items(hang, "cycle")) {
    if (c.is_string())
      absl::StrAppend(out, "      ", CleanText(c.get<std::string>()), "\n");
  }
}

// With several faults, how each went in this trial.
void AppendFaults(const json& trial, std::string* out) {
  const json& faults = Items(trial, "faults");
  bool points = false;
  for (const json& f : faults) points |= Field(f, "point").is_object();
  if (faults.size() < 2 && !points) return;
  for (const json& f : faults) {
    absl::StrAppend(out, "    fault: ", CleanText(Str(f, "kind", "?")), " in ",
                    CleanText(Str(f, "target", "?")), ", ",
                    CleanText(Str(f, "trigger", "?")), ": ");
    if (Bool(f, "fired").value_or(false))
      absl::StrAppend(out, "fired at ", FormatMs(Num(f, "fired_ms")));
    else
      absl::StrAppend(out, "did not fire");
    if (const json& p = Field(f, "point"); p.is_object())
      absl::StrAppend(out, " (point ", CleanText(Str(p, "name", "?")),
                      ": armed ", Str(p, "armed", "?"), ", reached ",
                      Str(p, "reached", "?"), ", fired ", Str(p, "fired", "?"),
                      ")");
    if (const json& k = Field(Field(f, "point"), "park"); k.is_object())
      absl::StrAppend(out, "; parked until ", CleanText(Str(k, "until", "?")),
                      ": woken by the point ", Str(k, "woken_by_point", "?"),
                      ", by the timeout ", Str(k, "woken_by_timeout", "?"),
                      ", by disarming ", Str(k, "woken_by_disarm", "?"));
    absl::StrAppend(out, "\n");
  }
}

void AppendTrialLine(const std::string& kind, const json& t, bool ok,
                     const std::string& target, const Painter& paint,
                     std::string* out) {
  absl::StrAppend(
      out, "  ", Pad(kind, 8), " ", PassFail(ok, paint), "  seed ",
      Str(t, "seed", "?"), "  ", internal::BlastText(t, target), "  ",
      FormatMs(Num(t, "duration_ms")),
      Bool(t, "deadline_hit").value_or(false) ? " (ran to the deadline)" : "");
  // A random trigger's value, drawn from this trial's seed.
  if (std::optional<int64_t> drawn = internal::Int(t, "trigger_drawn"))
    absl::StrAppend(out, "  trigger drawn: after ", *drawn, " messages");
}

// "seeds 42–71" for consecutive seeds, else "seeds 3, 5, 9" (at most 8).
std::string SeedsText(const json& trials) {
  std::vector<int64_t> seeds;
  for (const json& t : trials)
    if (std::optional<int64_t> s = internal::Int(t, "seed"))
      seeds.push_back(*s);
  if (seeds.empty()) return "";
  bool run = true;
  for (size_t i = 1; i < seeds.size(); ++i)
    run = run && seeds[i] == seeds[0] + int64_t(i);
  if (run && seeds.size() > 1)
    return absl::StrCat("seeds ", seeds.front(), "–", seeds.back());
  std::vector<std::string> shown;
  for (size_t i = 0; i < seeds.size() && i < 8; ++i)
    shown.push_back(absl::StrCat(seeds[i]));
  return absl::StrCat("seed", seeds.size() == 1 ? " " : "s ",
                      absl::StrJoin(shown, ", "),
                      seeds.size() > 8 ? ", …" : "");
}

void AppendTrialBody(const json& t, const Painter& paint, size_t width,
                     std::string* out) {
  AppendFaults(t, out);
  AppendWorkers(t, paint, width, out);
  AppendCrash(Field(t, "crash"), out);
  for (const json& c : Items(t, "other_crashes")) AppendCrash(c, out);
  AppendHang(Field(t, "hang"), out);
}

// "relay[0]  crashed ×29  completed ×1", one line per worker.
void AppendDistribution(const json& summary, const Painter& paint,
                        std::string* out) {
  const json& workers = Items(summary, "outcomes");
  size_t width = 0;
  for (const json& w : workers)
    width = std::max(width, DisplayWidth(CleanText(Str(w, "worker", "?"))));
  for (const json& w : workers) {
    std::string line = absl::StrCat(
        "      ", Pad(CleanText(Str(w, "worker", "?")), width + 2));
    const json& counts = Field(w, "counts");
    if (!counts.is_object()) continue;
    bool first = true;
    for (const internal::OutcomeStyle& o : internal::AllOutcomes()) {
      std::optional<int64_t> n = internal::Int(counts, o.name);
      if (!n || *n <= 0) continue;
      absl::StrAppend(&line, first ? "" : "  ",
                      paint(o.ansi, absl::StrCat(o.name, " ×", *n)));
      first = false;
    }
    absl::StrAppend(out, line, "\n");
  }
}

void AppendRateChecks(const json& p, const Painter& paint, std::string* out) {
  for (const json& c : Items(p, "expectations")) {
    bool ok = Bool(c, "passed").value_or(false);
    int64_t held = internal::Int(c, "held").value_or(0);
    int64_t n = internal::Int(c, "trials").value_or(0);
    absl::StrAppend(
        out, "    ", ok ? paint("32", "✓") : paint("31", "✗"), " ",
        CleanText(Str(c, "check", "(unnamed check)")), ": held in ",
        internal::RateText(held, n, Field(c, "wilson95")), ", needs ",
        internal::RequiredRateText(Num(c, "required_rate").value_or(1)));
    if (!ok) absl::StrAppend(out, "; found ", CleanText(Str(c, "actual", "?")));
    absl::StrAppend(out, "\n");
  }
}

void AppendFailedTrialChecks(const json& p, const json& t, const Painter& paint,
                             std::string* out) {
  std::vector<std::string> failed = internal::TrialFailedChecks(t);
  // A result from before trials had checks: the placement's failures.
  if (failed.empty() && !Field(t, "checks").is_array())
    failed = internal::FailedChecks(p);
  for (const std::string& f : failed)
    absl::StrAppend(out, "    ", paint("31", "expectation failed:"), " ",
                    CleanText(f), "\n");
}

void AppendPlacement(const json& scenario, const json& p,
                     const ConsoleOptions& opts, const Painter& paint,
                     std::string* out) {
  std::string target = Str(Field(scenario, "fault"), "target");
  std::string kind = CleanText(Str(p, "placement", "?"));
  bool ok = Bool(p, "passed").value_or(false);
  const json& trials = Items(p, "trials");
  const std::string error = CleanText(Str(p, "error"));
  if (!error.empty())
    absl::StrAppend(out, "  ", Pad(kind, 8), " ", paint("1;31", "ERROR"),
                    "  harness error (no verdict on the subject): ", error,
                    "\n");
  if (trials.empty()) {
    if (error.empty())
      absl::StrAppend(out, "  ", Pad(kind, 8), " ", PassFail(ok, paint),
                      "  no trial recorded\n");
    return;
  }
  std::string layout = internal::GroupsText(p);
  if (!layout.empty())
    absl::StrAppend(out, "  ", Pad(kind, 8), " ", CleanText(layout), "\n");
  std::vector<std::string> replays;
  if (trials.size() == 1) {
    const json& t = trials[0];
    bool t_ok = internal::TrialPassed(p, t);
    AppendTrialLine(kind, t, ok, target, paint, out);
    absl::StrAppend(out, "\n");
    AppendTrialBody(t, paint, opts.width, out);
    AppendFailedTrialChecks(p, t, paint, out);
    if (!t_ok) replays.push_back(internal::ReplayCommand(scenario, kind, t));
  } else {
    const json& summary = Field(p, "summary");
    int64_t n = trials.size(), passed = 0;
    for (const json& t : trials) passed += internal::TrialPassed(p, t);
    absl::StrAppend(out, "  ", Pad(kind, 8), " ", PassFail(ok, paint), "  ",
                    internal::RateText(passed, n, Field(summary, "wilson95")),
                    " trials passed  ", SeedsText(trials), "\n");
    absl::StrAppend(out, "    ", paint("2", "outcomes over the trials:"), "\n");
    AppendDistribution(summary, paint, out);
    AppendRateChecks(p, paint, out);
    if (!opts.verbose && passed > 0)
      absl::StrAppend(out, "    ",
                      paint("2", absl::StrCat(passed, " passing trial",
                                              passed == 1 ? "" : "s",
                                              " not shown (-v shows every "
                                              "trial)")),
                      "\n");
    // The first failing trial in full; the others by their line, failed
    // checks and rerun command (all in full with -v).
    bool shown_full = false;
    for (size_t i = 0; i < trials.size(); ++i) {
      const json& t = trials[i];
      bool t_ok = internal::TrialPassed(p, t);
      if (t_ok && !opts.verbose) continue;
      AppendTrialLine(absl::StrCat("trial ", i + 1, "/", n), t, t_ok, target,
                      paint, out);
      absl::StrAppend(out, "\n");
      if (opts.verbose || !shown_full)
        AppendTrialBody(t, paint, opts.width, out);
      shown_full = shown_full || !t_ok;
      AppendFailedTrialChecks(p, t, paint, out);
      if (!t_ok)
        absl::StrAppend(out, "    ", paint("2", "rerun:"), " ",
                        CleanText(internal::ReplayCommand(scenario, kind, t)),
                        "\n");
    }
    const json& seeds = Items(summary, "failing_seeds");
    if (seeds.size() > 1) {
      std::vector<std::string> list;
      for (const json& x : seeds) list.push_back(x.dump());
      absl::StrAppend(out, "    failing seeds: ", absl::StrJoin(list, ", "),
                      "\n");
    }
  }
  if (Bool(p, "no_expectations").value_or(false))
    absl::StrAppend(out, "    ", paint("33", "no expectations:"),
                    " the scenario states none for ", kind,
                    "; nothing was checked but that the fault fired\n");
  for (const std::string& r : replays)
    absl::StrAppend(out, "    ", paint("2", "rerun:"), " ", CleanText(r), "\n");
}

// One line comparing every placement's first trial, when there are several:
// "  placements: thread blast 3/3 · process blast 0/3 · split blast 1/3".
void AppendSideBySide(const json& scenario, const Painter& paint,
                      std::string* out) {
  const json& placements = Items(scenario, "placements");
  if (placements.size() < 2) return;
  std::string target = Str(Field(scenario, "fault"), "target");
  std::vector<std::string> cells;
  for (const json& p : placements) {
    const json& trials = Items(p, "trials");
    std::string cell = CleanText(Str(p, "placement", "?"));
    absl::StrAppend(
        &cell, " ",
        trials.empty() ? "no trial" : internal::BlastText(trials[0], target));
    if (!Bool(p, "passed").value_or(false))
      absl::StrAppend(&cell, " ", paint("31", "FAIL"));
    cells.push_back(std::move(cell));
  }
  absl::StrAppend(out, "  placements: ", absl::StrJoin(cells, " · "), "\n");
}

}  // namespace

std::string RenderConsole(const json& scenario, bool color) {
  return RenderConsole(scenario, ConsoleOptions{.color = color});
}

std::string RenderConsole(const json& scenario, const ConsoleOptions& opts) {
  Painter paint(opts.color);
  bool ok = Bool(scenario, "passed").value_or(false);
  std::string out = absl::StrCat(
      paint("1", CleanText(Str(scenario, "name", "(unnamed)"))), "  ",
      ok ? paint("32", "as expected") : paint("1;31", "NOT as expected"));
  std::string desc = CleanText(Str(scenario, "description"));
  if (!desc.empty())
    absl::StrAppend(&out, "  ", paint("2", absl::StrCat("— ", desc)));
  absl::StrAppend(&out, "\n");
  AppendSideBySide(scenario, paint, &out);
  for (const json& p : Items(scenario, "placements"))
    AppendPlacement(scenario, p, opts, paint, &out);
  return out;
}

}  // namespace faultlab::reports
