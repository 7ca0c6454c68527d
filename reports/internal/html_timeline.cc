// The timeline is plain SVG with CSS classes for colour, so the outcome colours
// live in one stylesheet. Coordinates are in a fixed 560-unit-wide viewBox that
// scales with the page; tooltips are <title> children, so no script is needed.
#include "reports/internal/html_timeline.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "reports/internal/json_view.h"
#include "reports/internal/outcome.h"
#include "reports/internal/text.h"

namespace faultlab::reports::internal {
namespace {

constexpr double kWidth = 560;
constexpr double kLabel = 100;  // left column for worker names
constexpr double kRight = 14;
constexpr double kTop = 24;  // room for the axis and the fault glyph
constexpr double kLane = 20;
constexpr double kGap = 5;
constexpr double kBottom = 6;

using nlohmann::json;

struct Frame {
  double t_max;
  double X(double t) const {
    return kLabel +
           std::clamp(t / t_max, 0.0, 1.0) * (kWidth - kLabel - kRight);
  }
  static double LaneTop(size_t i) { return kTop + i * (kLane + kGap); }
  static double LaneMid(size_t i) { return LaneTop(i) + kLane / 2; }
};

std::string F(double v) { return absl::StrFormat("%.1f", v); }

void Grow(double* t_max, std::optional<double> t) {
  if (t) *t_max = std::max(*t_max, *t);
}

double MaxTime(const json& trial) {
  double t = 0;
  Grow(&t, Num(trial, "duration_ms"));
  Grow(&t, Num(trial, "fault_fired_ms"));
  Grow(&t, Num(Field(trial, "hang"), "detected_ms"));
  for (const json& p : Items(trial, "processes")) {
    Grow(&t, Num(p, "died_ms"));
    Grow(&t, Num(p, "detected_ms"));
  }
  for (const json& w : Items(trial, "workers")) {
    for (const json& e : Items(w, "events")) Grow(&t, Num(e, "t_ms"));
    for (const json& s : Items(w, "progress")) {
      if (s.is_array() && !s.empty() && s[0].is_number())
        Grow(&t, s[0].get<double>());
    }
  }
  return t > 0 ? t : 1;
}

double NiceStep(double span) {
  double rough = span / 5;
  double mag = std::pow(10, std::floor(std::log10(rough)));
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    if (m * mag >= rough) return m * mag;
  }
  return 10 * mag;
}

void Axis(const Frame& f, double bottom, std::string* out) {
  double step = NiceStep(f.t_max);
  for (double t = 0; t <= f.t_max + step * 1e-6; t += step) {
    double x = f.X(t);
    absl::StrAppend(out, "<line class=\"ax\" x1=\"", F(x), "\" y1=\"",
                    F(kTop - 6), "\" x2=\"", F(x), "\" y2=\"", F(bottom),
                    "\"/>", "<text class=\"axt\" x=\"", F(x), "\" y=\"",
                    F(kTop - 9), "\" text-anchor=\"middle\">",
                    absl::StrFormat("%g", t), "</text>");
  }
  absl::StrAppend(out, "<text class=\"axt\" x=\"4\" y=\"", F(kTop - 9),
                  "\">ms</text>");
}

void Title(std::string_view text, std::string* out) {
  absl::StrAppend(out, "<title>", EscapeMarkup(text), "</title>");
}

void Lane(const Frame& f, size_t i, const json& w, std::string* out) {
  const OutcomeStyle& s = StyleOf(Str(w, "outcome"));
  std::string name = Str(w, "name", "?");
  double top = Frame::LaneTop(i);
  absl::StrAppend(out, "<g class=\"o-", s.name, "\">");
  std::string tip = absl::StrCat(name, ": ", Str(w, "outcome", "unknown"));
  std::string detail = Str(w, "detail");
  if (!detail.empty()) absl::StrAppend(&tip, " — ", detail);
  absl::StrAppend(out, "<g>");
  Title(tip, out);
  absl::StrAppend(out, "<rect class=\"end\" x=\"0\" y=\"", F(top + 3),
                  "\" width=\"4\" height=\"", F(kLane - 6), "\" rx=\"1\"/>");
  std::string label = CleanText(name);
  if (DisplayWidth(label) > 15) label = absl::StrCat(label.substr(0, 14), "…");
  absl::StrAppend(out, "<text x=\"9\" y=\"", F(top + 14), "\">",
                  EscapeMarkup(label), "</text></g>");
  absl::StrAppend(out, "<rect class=\"lanebg\" x=\"", F(kLabel), "\" y=\"",
                  F(top), "\" width=\"", F(kWidth - kLabel - kRight),
                  "\" height=\"", F(kLane), "\" rx=\"2\"/>");

  double max_msgs =
      std::max<double>(1, Num(w, "expected_messages").value_or(0));
  std::vector<std::pair<double, double>> pts;
  for (const json& p : Items(w, "progress")) {
    if (!p.is_array() || p.size() < 2 || !p[0].is_number() || !p[1].is_number())
      continue;
    pts.emplace_back(p[0].get<double>(), p[1].get<double>());
    max_msgs = std::max(max_msgs, pts.back().second);
  }
  auto y = [&](double m) {
    return top + kLane - 2 - (m / max_msgs) * (kLane - 4);
  };
  if (!pts.empty()) {
    absl::StrAppend(out, "<polyline class=\"prog\" points=\"");
    for (const auto& [t, m] : pts)
      absl::StrAppend(out, F(f.X(t)), ",", F(y(m)), " ");
    absl::StrAppend(out, "\"/>");
    const auto& [t, m] = pts.back();
    absl::StrAppend(out, "<g>");
    Title(absl::StrFormat("%s: %g of %g messages at %s", name, m,
                          Num(w, "expected_messages").value_or(m), FormatMs(t)),
          out);
    absl::StrAppend(out, "<circle class=\"end\" cx=\"", F(f.X(t)), "\" cy=\"",
                    F(y(m)), "\" r=\"2.6\"/></g>");
  }
  absl::StrAppend(out, "</g>");
}

void Cross(double x, double y, std::string_view tip, std::string* out) {
  absl::StrAppend(out, "<g>");
  Title(tip, out);
  absl::StrAppend(out, "<path class=\"death\" d=\"M", F(x - 4), " ", F(y - 4),
                  "L", F(x + 4), " ", F(y + 4), "M", F(x + 4), " ", F(y - 4),
                  "L", F(x - 4), " ", F(y + 4), "\"/></g>");
}

void ExitTick(double x, double y, std::string_view tip, std::string* out) {
  absl::StrAppend(out, "<g>");
  Title(tip, out);
  absl::StrAppend(out, "<path class=\"exit\" d=\"M", F(x), " ", F(y - 6), "L",
                  F(x), " ", F(y + 6), "\"/></g>");
}

void Diamond(double x, double y, std::string_view tip, std::string* out) {
  absl::StrAppend(out, "<g>");
  Title(tip, out);
  absl::StrAppend(out, "<path class=\"detect\" d=\"M", F(x), " ", F(y - 4.5),
                  "L", F(x + 4.5), " ", F(y), "L", F(x), " ", F(y + 4.5), "L",
                  F(x - 4.5), " ", F(y), "Z\"/></g>");
}

bool InProcess(const json& proc, const json& worker) {
  std::string name = Str(worker, "name");
  for (const json& n : Items(proc, "workers")) {
    if (n.is_string() && n.get<std::string>() == name) return true;
  }
  std::optional<int64_t> pid = Int(proc, "pid");
  return Items(proc, "workers").empty() && pid && pid == Int(worker, "pid");
}

void ProcessMarks(const Frame& f, const json& trial, std::string* out) {
  const json& workers = Items(trial, "workers");
  for (const json& p : Items(trial, "processes")) {
    std::string pid = Str(p, "pid", "?");
    std::string status = Str(p, "status", "ended");
    std::optional<double> died = Num(p, "died_ms");
    std::optional<double> seen = Num(p, "detected_ms");
    for (size_t i = 0; i < workers.size(); ++i) {
      if (!InProcess(p, workers[i])) continue;
      double y = Frame::LaneMid(i);
      if (died) {
        std::string tip =
            absl::StrCat("pid ", pid, " ", status, " at ", FormatMs(died));
        bool clean = Field(p, "signal").is_null() &&
                     Int(p, "exit_code").value_or(-1) == 0;
        (clean ? ExitTick : Cross)(f.X(*died), y, tip, out);
      }
      if (seen) {
        Diamond(f.X(*seen), y,
                absl::StrCat("supervisor saw pid ", pid, " end at ",
                             FormatMs(seen)),
                out);
      }
    }
  }
}

bool BadEvent(std::string_view kind) {
  return kind == "checksum_error" || kind == "sequence_error" ||
         kind == "heap_check_failed" || kind == "short_read" ||
         kind == "short_write";
}

void EventMarks(const Frame& f, const json& trial, std::string* out) {
  const json& workers = Items(trial, "workers");
  for (size_t i = 0; i < workers.size(); ++i) {
    for (const json& e : Items(workers[i], "events")) {
      std::optional<double> t = Num(e, "t_ms");
      if (!t) continue;
      std::string kind = Str(e, "kind", "event");
      std::string tip =
          absl::StrCat(FormatMs(t), " ", kind, " on ", Str(e, "channel", "?"));
      std::string detail = Str(e, "detail");
      if (!detail.empty()) absl::StrAppend(&tip, ": ", detail);
      if (std::optional<int64_t> q = Int(e, "bytes_queued"); q && *q > 0) {
        absl::StrAppend(&tip, " (", *q, " bytes queued)");
      }
      absl::StrAppend(out, "<g>");
      Title(tip, out);
      absl::StrAppend(out, "<circle class=\"", BadEvent(kind) ? "evbad" : "ev",
                      "\" cx=\"", F(f.X(*t)), "\" cy=\"", F(Frame::LaneMid(i)),
                      "\" r=\"3.4\"/></g>");
    }
  }
}

void VerticalMark(const Frame& f, double t, double bottom, const char* cls,
                  std::string_view tip, std::string* out) {
  absl::StrAppend(out, "<g>");
  Title(tip, out);
  absl::StrAppend(out, "<line class=\"", cls, "\" x1=\"", F(f.X(t)), "\" y1=\"",
                  F(kTop - 4), "\" x2=\"", F(f.X(t)), "\" y2=\"", F(bottom),
                  "\"/>");
  if (std::string_view(cls) == "fault") {
    absl::StrAppend(out, "<text class=\"faultg\" x=\"", F(f.X(t) + 2),
                    "\" y=\"", F(kTop - 8), "\">⚡</text>");
  }
  absl::StrAppend(out, "</g>");
}

}  // namespace

std::string RenderTimeline(const json& trial) {
  const json& workers = Items(trial, "workers");
  if (workers.empty()) return "";
  Frame f{MaxTime(trial)};
  double bottom = Frame::LaneTop(workers.size()) - kGap + kBottom;
  std::string out;
  out.reserve(2048 + workers.size() * 1024);
  absl::StrAppend(&out, "<svg viewBox=\"0 0 ", F(kWidth), " ", F(bottom),
                  "\" role=\"img\" aria-label=\"timeline\">");
  Axis(f, bottom - kBottom, &out);
  for (size_t i = 0; i < workers.size(); ++i) Lane(f, i, workers[i], &out);
  if (std::optional<double> t = Num(trial, "fault_fired_ms")) {
    std::string tip = absl::StrCat("fault fired at ", FormatMs(t));
    for (const json& x : Items(trial, "faults")) {
      const json& sent = Field(x, "sent");  // a signal fault: from outside
      if (sent.is_object() && Num(sent, "at_ms") == t)
        tip = absl::StrCat(Str(sent, "signal", "a signal"), " sent (",
                           Str(sent, "si_code", "SI_USER"),
                           ") by faultlab to pid ", Str(sent, "pid", "?"),
                           " at ", FormatMs(t));
    }
    VerticalMark(f, *t, bottom - kBottom, "fault", tip, &out);
  }
  if (std::optional<double> t = Num(Field(trial, "hang"), "detected_ms")) {
    VerticalMark(f, *t, bottom - kBottom, "hang",
                 absl::StrCat("hang detected at ", FormatMs(t)), &out);
  }
  ProcessMarks(f, trial, &out);
  EventMarks(f, trial, &out);
  absl::StrAppend(&out, "</svg>");
  return out;
}

const char* TimelineKey() {
  return "<span><b class=\"k-fault\">⚡</b> fault fired</span> "
         "<span><b>✕</b> process killed</span> <span><b>|</b> process "
         "exited</span> "
         "<span><b class=\"k-det\">◆</b> end seen by supervisor</span> "
         "<span><b class=\"k-ev\">○</b> channel event</span> "
         "<span><b class=\"k-hang\">┆</b> hang detected</span> "
         "<span>line: messages over time</span> ";
}

}  // namespace faultlab::reports::internal
