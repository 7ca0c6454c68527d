// Same conventions as the worker timeline (html_timeline.cc): plain SVG in a
// 560-unit viewBox, outcome colours from the stylesheet's o-* classes, and
// <title> tooltips, so no script is needed. Rows come in four bands, each
// with a heading: processes (indented under their parent, so the tree
// reads top-down; a respawn starts its own row where it was first seen),
// probes, sessions and recovery.
#include "reports/internal/html_program.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "reports/internal/json_view.h"
#include "reports/internal/outcome.h"
#include "reports/internal/program_text.h"
#include "reports/internal/text.h"

namespace faultlab::reports::internal {
namespace {

using nlohmann::json;

constexpr double kWidth = 560;
constexpr double kLabel = 118;
constexpr double kRight = 14;
constexpr double kTop = 24;
constexpr double kRow = 13;
constexpr double kSessionRow = 8;  // sessions are many: thinner rows
constexpr double kHead = 15;

std::string F(double v) { return absl::StrFormat("%.1f", v); }

struct Frame {
  double t_min = 0, t_max = 1;
  double X(double t) const {
    return kLabel + std::clamp((t - t_min) / (t_max - t_min), 0.0, 1.0) *
                        (kWidth - kLabel - kRight);
  }
};

void Grow(Frame* f, std::optional<double> t) {
  if (!t) return;
  f->t_min = std::min(f->t_min, *t);
  f->t_max = std::max(f->t_max, *t);
}

Frame FrameOf(const json& trial, const json& prog) {
  Frame f;
  Grow(&f, Num(trial, "duration_ms"));
  for (const json& p : Items(prog, "processes")) {
    Grow(&f, Num(p, "seen_ms"));
    Grow(&f, Num(p, "exit_ms"));
  }
  for (const json& pr : Items(prog, "probes"))
    for (const json& e : Items(pr, "events")) Grow(&f, Num(e, "t_ms"));
  for (const json& s : Items(prog, "sessions")) {
    Grow(&f, Num(s, "start_ms"));
    Grow(&f, Num(s, "end_ms"));
  }
  const json& fault = Field(prog, "fault");
  if (std::optional<double> t = Num(fault, "t_ms")) {
    Grow(&f, t);
    for (const char* k :
         {"replacement_ms", "first_probe_pass_ms", "probes_steady_ms"})
      if (std::optional<double> d = Num(Field(prog, "recovery"), k))
        Grow(&f, *t + *d);
  }
  if (f.t_max <= f.t_min) f.t_max = f.t_min + 1;
  return f;
}

void Title(std::string_view text, std::string* out) {
  absl::StrAppend(out, "<title>", EscapeMarkup(text), "</title>");
}

std::string Trim(std::string s, size_t width) {
  s = CleanText(s);
  if (DisplayWidth(s) > width) s = absl::StrCat(s.substr(0, width - 1), "…");
  return s;
}

// A row label on the left, with its tooltip.
void Label(double y, double indent, std::string_view text, std::string_view tip,
           std::string* out) {
  absl::StrAppend(out, "<g>");
  Title(tip, out);
  absl::StrAppend(out, "<text x=\"", F(4 + indent), "\" y=\"", F(y + 10), "\">",
                  EscapeMarkup(text), "</text></g>");
}

void Heading(double y, std::string_view text, std::string* out) {
  absl::StrAppend(out, "<text class=\"band\" x=\"2\" y=\"", F(y + 11), "\">",
                  EscapeMarkup(text), "</text>");
}

void Bar(double x0, double x1, double y, const std::string& cls,
         std::string_view tip, std::string* out) {
  absl::StrAppend(out, "<g class=\"", cls, "\">");
  Title(tip, out);
  absl::StrAppend(out, "<rect class=\"pbar\" x=\"", F(x0), "\" y=\"", F(y + 2),
                  "\" width=\"", F(std::max(1.5, x1 - x0)), "\" height=\"",
                  F(kRow - 4), "\" rx=\"1.5\"/></g>");
}

void Cross(double x, double y, std::string_view tip, std::string* out) {
  const double m = y + kRow / 2;
  absl::StrAppend(out, "<g>");
  Title(tip, out);
  absl::StrAppend(out, "<path class=\"death\" d=\"M", F(x - 3.5), " ",
                  F(m - 3.5), "L", F(x + 3.5), " ", F(m + 3.5), "M", F(x + 3.5),
                  " ", F(m - 3.5), "L", F(x - 3.5), " ", F(m + 3.5),
                  "\"/></g>");
}

void Axis(const Frame& f, double bottom, std::string* out) {
  const double span = f.t_max - f.t_min;
  const double rough = span / 5;
  const double mag = std::pow(10, std::floor(std::log10(rough)));
  double step = 10 * mag;
  for (double m : {1.0, 2.0, 5.0})
    if (m * mag >= rough) {
      step = m * mag;
      break;
    }
  for (double t = std::ceil(f.t_min / step) * step; t <= f.t_max + step * 1e-6;
       t += step) {
    const double x = f.X(t);
    absl::StrAppend(
        out, "<line class=\"ax\" x1=\"", F(x), "\" y1=\"", F(kTop - 6),
        "\" x2=\"", F(x), "\" y2=\"", F(bottom), "\"/><text class=\"axt\" x=\"",
        F(x), "\" y=\"", F(kTop - 9), "\" text-anchor=\"middle\">",
        absl::StrFormat("%g", std::abs(t) < step * 1e-6 ? 0 : t), "</text>");
  }
  absl::StrAppend(out, "<text class=\"axt\" x=\"4\" y=\"", F(kTop - 9),
                  "\">ms from ready</text>");
}

// Depth of each process in the tree (its parent's depth + 1), by pid.
std::map<int64_t, int> Depths(const json& procs) {
  std::map<int64_t, int64_t> parent;
  for (const json& p : procs)
    if (std::optional<int64_t> pid = Int(p, "pid"))
      parent[*pid] = Int(p, "parent_pid").value_or(0);
  std::map<int64_t, int> depth;
  for (const auto& [pid, ppid] : parent) {
    int d = 0;
    for (int64_t up = ppid; parent.count(up) && d < 8; up = parent[up]) ++d;
    depth[pid] = d;
  }
  return depth;
}

// Processes in tree order: each parent followed by its children (in the
// order they were seen), so a respawn sits under its master.
std::vector<const json*> TreeOrder(const json& procs) {
  std::map<int64_t, std::vector<const json*>> children;
  std::vector<const json*> roots;
  std::map<int64_t, bool> known;
  for (const json& p : procs) known[Int(p, "pid").value_or(-1)] = true;
  for (const json& p : procs) {
    const int64_t ppid = Int(p, "parent_pid").value_or(0);
    (known.count(ppid) ? children[ppid] : roots).push_back(&p);
  }
  std::vector<const json*> out;
  std::function<void(const json*)> walk = [&](const json* p) {
    out.push_back(p);
    if (out.size() > procs.size()) return;  // a cycle in bad input
    for (const json* c : children[Int(*p, "pid").value_or(-1)]) walk(c);
  };
  for (const json* r : roots) walk(r);
  return out;
}

double Processes(const Frame& f, const json& prog, double y, std::string* out) {
  const json& procs = Items(prog, "processes");
  if (procs.empty()) return y;
  Heading(y, "process tree", out);
  y += kHead;
  const std::map<int64_t, int> depth = Depths(procs);
  const std::optional<double> fault = Num(Field(prog, "fault"), "t_ms");
  for (const json* pp : TreeOrder(procs)) {
    const json& p = *pp;
    const int64_t pid = Int(p, "pid").value_or(0);
    const std::string role = Str(p, "role", "other");
    const std::string outcome = Str(p, "outcome", "unknown");
    const double seen = Num(p, "seen_ms").value_or(f.t_min);
    const std::optional<double> exit = Num(p, "exit_ms");
    const bool respawn =
        !Bool(p, "launched").value_or(false) && fault && seen > *fault;
    const auto d = depth.find(pid);
    const double indent = 7.0 * (d == depth.end() ? 0 : d->second);
    const std::string tip = absl::StrCat(
        role, " pid ", pid, " (", Str(p, "comm", "?"), "): ", outcome, ", ",
        Str(p, "status", "running"), "; seen at ", FormatMs(seen),
        respawn ? " (a respawn, after the fault)" : "");
    Label(y, indent, absl::StrCat(Trim(role, 9), " ", pid, respawn ? " ↻" : ""),
          tip, out);
    Bar(f.X(seen), f.X(exit.value_or(f.t_max)), y,
        absl::StrCat("o-", StyleOf(outcome).name), tip, out);
    if (exit && outcome != "completed")
      Cross(f.X(*exit), y,
            absl::StrCat(role, " pid ", pid, " ended at ", FormatMs(exit), ": ",
                         Str(p, "status", "?")),
            out);
    if (Bool(p, "fault_target").value_or(false) && fault)
      absl::StrAppend(out, "<g>", "<title>",
                      EscapeMarkup(absl::StrCat(
                          "the fault (", ProgramFaultLabel(prog), ") hit pid ",
                          pid, " at ", FormatMs(fault))),
                      "</title><text class=\"faultg\" x=\"",
                      F(f.X(*fault) - 11), "\" y=\"", F(y + 10),
                      "\">⚡</text></g>");
    y += kRow;
  }
  return y;
}

double Probes(const Frame& f, const json& prog, double y, std::string* out) {
  const json& probes = Items(prog, "probes");
  if (probes.empty()) return y;
  Heading(y, "probes", out);
  y += kHead;
  for (const json& pr : probes) {
    const std::string name = Str(pr, "name", "?");
    Label(y, 0, Trim(name, 16),
          absl::StrCat("probe ", name, " (", Str(pr, "kind", "?"), " ",
                       Str(pr, "target", "?"),
                       "): ", Int(pr, "passes").value_or(0), " passed, ",
                       Int(pr, "failures").value_or(0), " failed"),
          out);
    absl::StrAppend(out, "<rect class=\"lanebg\" x=\"", F(kLabel), "\" y=\"",
                    F(y + 2), "\" width=\"", F(kWidth - kLabel - kRight),
                    "\" height=\"", F(kRow - 4), "\"/>");
    for (const json& e : Items(pr, "events")) {
      const std::optional<double> t = Num(e, "t_ms");
      if (!t) continue;
      const bool ok = Bool(e, "ok").value_or(false);
      std::string tip = absl::StrCat(name, " at ", FormatMs(t), ": ",
                                     ok ? "passed" : "FAILED", " in ",
                                     FormatMs(Num(e, "latency_ms")));
      if (std::string d = Str(e, "detail"); !d.empty())
        absl::StrAppend(&tip, " (", d, ")");
      absl::StrAppend(out, "<g class=\"", ok ? "o-completed" : "o-crashed",
                      "\">");
      Title(tip, out);
      absl::StrAppend(out, "<rect class=\"pbar\" x=\"", F(f.X(*t) - 0.8),
                      "\" y=\"", F(y + (ok ? 3 : 1)),
                      "\" width=\"1.6\" height=\"", F(ok ? kRow - 6 : kRow - 2),
                      "\"/></g>");
    }
    y += kRow;
  }
  return y;
}

double Sessions(const Frame& f, const json& prog, double y, std::string* out) {
  const json& sessions = Items(prog, "sessions");
  if (sessions.empty()) return y;
  Heading(y, "client sessions", out);
  y += kHead;
  // One row per client slot; a session that ended is replaced in its slot.
  std::vector<std::pair<std::string, int64_t>> slots;
  for (const json& s : sessions) {
    std::pair<std::string, int64_t> key{Str(s, "client", "?"),
                                        Int(s, "slot").value_or(0)};
    if (std::find(slots.begin(), slots.end(), key) == slots.end())
      slots.push_back(key);
  }
  std::sort(slots.begin(), slots.end());
  for (const auto& [client, slot] : slots) {
    absl::StrAppend(out, "<g>");
    Title(absl::StrCat("client ", client, ", session slot ", slot), out);
    absl::StrAppend(out, "<text class=\"small\" x=\"4\" y=\"", F(y + 7), "\">",
                    EscapeMarkup(Trim(absl::StrCat(client, " #", slot), 20)),
                    "</text></g>");
    for (const json& s : sessions) {
      if (Str(s, "client", "?") != client || Int(s, "slot").value_or(0) != slot)
        continue;
      const double start = Num(s, "start_ms").value_or(f.t_min);
      const std::optional<double> end = Num(s, "end_ms");
      const std::string error = Str(s, "error");
      const bool lost = !error.empty();
      std::string tip = absl::StrCat(
          client, " #", slot, ": from ", FormatMs(start), " to ",
          end ? FormatMs(end) : std::string("the end"), ", ",
          Int(s, "requests").value_or(0), " requests",
          lost ? absl::StrCat(", lost: ", error) : std::string(", survived"));
      if (std::string d = Str(s, "detail"); !d.empty())
        absl::StrAppend(&tip, " (", d, ")");
      if (!Bool(s, "established").value_or(true)) {
        // A connection attempt that never became a session (refused while
        // the server is down): a thin tick, not a bar with a cross.
        absl::StrAppend(out, "<g class=\"o-crashed\">");
        Title(absl::StrCat(client, " #", slot, ": a connection attempt at ",
                           FormatMs(start), " failed: ", error),
              out);
        absl::StrAppend(out, "<rect class=\"pbar\" x=\"", F(f.X(start) - 0.6),
                        "\" y=\"", F(y + 2.5), "\" width=\"1.2\" height=\"",
                        F(kSessionRow - 5), "\"/></g>");
        continue;
      }
      absl::StrAppend(out, "<g class=\"", lost ? "o-crashed" : "o-completed",
                      "\">");
      Title(tip, out);
      absl::StrAppend(out, "<rect class=\"pbar\" x=\"", F(f.X(start)),
                      "\" y=\"", F(y + 1.5), "\" width=\"",
                      F(std::max(1.5, f.X(end.value_or(f.t_max)) - f.X(start))),
                      "\" height=\"", F(kSessionRow - 3), "\" rx=\"1\"/></g>");
      if (lost && end) {
        const double x = f.X(*end), m = y + kSessionRow / 2;
        absl::StrAppend(out, "<path class=\"death\" d=\"M", F(x - 2.5), " ",
                        F(m - 2.5), "L", F(x + 2.5), " ", F(m + 2.5), "M",
                        F(x + 2.5), " ", F(m - 2.5), "L", F(x - 2.5), " ",
                        F(m + 2.5), "\"/>");
      }
    }
    y += kSessionRow;
  }
  return y;
}

double Recovery(const Frame& f, const json& prog, double y, std::string* out) {
  const std::optional<double> fault = Num(Field(prog, "fault"), "t_ms");
  const json& rec = Field(prog, "recovery");
  struct Row {
    const char* key;
    const char* what;
  };
  const Row rows[] = {{"replacement_ms", "replacement seen"},
                      {"first_probe_pass_ms", "first probe pass"},
                      {"probes_steady_ms", "probes steady"}};
  bool any = false;
  for (const Row& r : rows) any |= Num(rec, r.key).has_value();
  if (!fault || !any) return y;
  Heading(y, "recovery after the fault", out);
  y += kHead;
  for (const Row& r : rows) {
    const std::optional<double> d = Num(rec, r.key);
    if (!d) continue;
    const std::string tip =
        absl::StrCat(r.what, " ", FormatMs(d), " after the fault");
    Label(y, 0, r.what, tip, out);
    Bar(f.X(*fault), f.X(*fault + *d), y, "rec", tip, out);
    const double x = f.X(*fault + *d) + 4;
    const bool left = x > kWidth - 60;
    absl::StrAppend(out, "<text class=\"axt\" x=\"",
                    F(left ? f.X(*fault) - 4 : x), "\" y=\"", F(y + 10), "\"",
                    left ? " text-anchor=\"end\"" : "", ">",
                    EscapeMarkup(FormatMs(d)), "</text>");
    y += kRow;
  }
  return y;
}

void VerticalLine(const Frame& f, double t, double bottom, const char* cls,
                  std::string_view tip, std::string* out) {
  absl::StrAppend(out, "<g>");
  Title(tip, out);
  absl::StrAppend(out, "<line class=\"", cls, "\" x1=\"", F(f.X(t)), "\" y1=\"",
                  F(kTop - 4), "\" x2=\"", F(f.X(t)), "\" y2=\"", F(bottom),
                  "\"/></g>");
}

}  // namespace

std::string RenderProgramTimeline(const json& trial) {
  const json& prog = Field(trial, "program");
  if (!prog.is_object()) return "";
  const Frame f = FrameOf(trial, prog);
  std::string body;
  double y = kTop;
  y = Processes(f, prog, y, &body);
  y = Probes(f, prog, y, &body);
  y = Sessions(f, prog, y, &body);
  y = Recovery(f, prog, y, &body);
  const double bottom = y + 4;
  const json& fault = Field(prog, "fault");
  std::string marks;
  if (std::optional<double> t = Num(fault, "t_ms"))
    VerticalLine(f, *t, bottom, "fault",
                 absl::StrCat(ProgramFaultLabel(prog), " at ", FormatMs(t)),
                 &marks);
  if (std::optional<double> t = Num(fault, "resumed_ms"))
    VerticalLine(f, *t, bottom, "hang",
                 absl::StrCat("SIGCONT sent at ", FormatMs(t)), &marks);
  if (std::optional<double> t = Num(fault, "t_ms"))
    absl::StrAppend(&marks, "<text class=\"faultg\" x=\"", F(f.X(*t) + 2),
                    "\" y=\"", F(kTop - 8), "\">⚡</text>");
  std::string axis;
  Axis(f, bottom, &axis);
  return absl::StrCat(
      "<svg class=\"prog\" viewBox=\"0 0 ", F(kWidth), " ", F(bottom + 2),
      "\" role=\"img\" aria-label=\"program timeline: process tree, probes, "
      "client sessions and recovery\">",
      axis, body, marks, "</svg>");
}

const char* ProgramTimelineKey() {
  return "<span><b class=\"k-fault\">⚡</b> fault sent or raised</span> "
         "<span>bar: alive, in its outcome's colour</span> "
         "<span><b>↻</b> respawned after the fault</span> "
         "<span><b>✕</b> process ended, session lost</span> "
         "<span>thin tick: a refused connection</span> "
         "<span>probe: green passed, tall red failed</span> "
         "<span>recovery: time from the fault</span> ";
}

}  // namespace faultlab::reports::internal
