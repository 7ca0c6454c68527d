#include "reports/internal/html_sections.h"

#include <algorithm>
#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "reports/internal/json_view.h"
#include "reports/internal/outcome.h"
#include "reports/internal/text.h"

namespace faultlab::reports::internal {
namespace {

using nlohmann::json;

constexpr size_t kStderrLines = 40;

std::string E(std::string_view s) { return EscapeMarkup(s); }

void AppendLane(const json& w, std::string* out) {
  std::string outcome = Str(w, "outcome", "unknown");
  const OutcomeStyle& s = StyleOf(outcome);
  std::optional<double> got = Num(w, "messages");
  std::optional<double> want = Num(w, "expected_messages");
  double pct = 0;
  if (got && want && *want > 0)
    pct = std::clamp(*got / *want * 100, 0.0, 100.0);
  if (got && want && *want == 0) pct = 100;
  std::string tip = absl::StrCat(Str(w, "name", "?"), ": ", outcome);
  if (got)
    absl::StrAppend(&tip, ", ", Str(w, "messages"), "/",
                    Str(w, "expected_messages", "?"), " messages");
  std::string detail = Str(w, "detail");
  if (!detail.empty()) absl::StrAppend(&tip, " — ", detail);
  absl::StrAppend(out, "<div class=\"lane o-", s.name, "\" title=\"", E(tip),
                  "\">", "<span class=\"wn\">", E(Str(w, "name", "?")),
                  "</span>", "<span class=\"oc\">", s.glyph, " ", E(outcome),
                  "</span>", "<span class=\"bar\"><i style=\"width:",
                  absl::StrFormat("%.0f", pct), "%\"></i></span></div>");
}

void AppendBox(const std::string& head, bool dead,
               const std::vector<const json*>& ws, std::string* out) {
  absl::StrAppend(out, "<div class=\"proc", dead ? " dead" : "",
                  "\"><div class=\"ph\">", head, "</div>");
  for (const json* w : ws) AppendLane(*w, out);
  absl::StrAppend(out, "</div>");
}

bool Listed(const json& proc, const std::string& name) {
  for (const json& n : Items(proc, "workers")) {
    if (n.is_string() && n.get<std::string>() == name) return true;
  }
  return false;
}

void AppendFrame(size_t i, const json& fr, std::string* out) {
  std::string fn = Str(fr, "function");
  std::string file = Str(fr, "file");
  absl::StrAppend(out, "<li class=\"mono\">#", i, " <span class=\"fn\">",
                  E(fn.empty() ? "??" : fn), "</span> <span class=\"loc\">");
  if (!file.empty()) {
    absl::StrAppend(out, E(file));
    if (std::optional<int64_t> line = Int(fr, "line"))
      absl::StrAppend(out, ":", *line);
  } else {
    absl::StrAppend(out, E(Str(fr, "module", "?")), " ", E(Str(fr, "address")));
  }
  absl::StrAppend(out, "</span></li>");
}

void AppendCrash(const json& crash, std::string* out) {
  if (!crash.is_object()) return;
  std::string who = Str(crash, "worker", "?");
  absl::StrAppend(
      out, "<details class=\"crash\"><summary><b>crash</b>: ", E(who), " · ",
      E(Str(crash, "signal", "?")), " ", E(Str(crash, "si_code")),
      "<span class=\"mono\">", E(CrashAddressText(crash)),
      "</span></summary><p class=\"muted sub\">thread ",
      E(Str(crash, "thread", who)), " · tid ", E(Str(crash, "tid", "?")),
      " · at ", FormatMs(Num(crash, "t_ms")), "</p>");
  AppendFrames(Field(crash, "frames"), out);
  absl::StrAppend(out, "</details>");
}

void AppendHang(const json& hang, std::string* out) {
  if (!hang.is_object()) return;
  const json& cycle = Items(hang, "cycle");
  absl::StrAppend(out,
                  "<details class=\"hang\"><summary><b>hang</b>: detected at ",
                  FormatMs(Num(hang, "detected_ms")));
  if (!cycle.empty()) absl::StrAppend(out, " · cycle of ", cycle.size());
  absl::StrAppend(out, "</summary>");
  if (!cycle.empty()) {
    absl::StrAppend(out, "<ul>");
    for (const json& c : cycle) {
      absl::StrAppend(out, "<li>",
                      E(c.is_string() ? c.get<std::string>() : c.dump()),
                      "</li>");
    }
    absl::StrAppend(out, "</ul>");
  }
  for (const json& st : Items(hang, "stacks")) {
    absl::StrAppend(out, "<p class=\"muted sub\">", E(Str(st, "worker", "?")),
                    " · tid ", E(Str(st, "tid", "?")), "</p>");
    AppendFrames(Field(st, "frames"), out);
  }
  absl::StrAppend(out, "</details>");
}

void AppendStderr(const json& trial, std::string* out) {
  std::string text = Str(trial, "stderr");
  if (text.find_first_not_of(" \n\r\t") == std::string::npos) return;
  size_t dropped = 0;
  std::string tail = LastLines(text, kStderrLines, &dropped);
  absl::StrAppend(
      out, "<details><summary><b>stderr</b> (",
      dropped ? absl::StrCat("last ", kStderrLines, " lines") : "all",
      ")</summary><pre tabindex=\"0\" aria-label=\"stderr\">", E(tail),
      "</pre></details>");
}

std::string Verified(const json& w) {
  std::optional<bool> v = Bool(w, "verified");
  if (!v) return "–";
  return *v ? "yes" : "<span class=\"bad\">no</span>";
}

// How the worker ended: its signal, else its exit code, else "–".
std::string Ending(const json& w) {
  std::string signal = Str(w, "signal");
  if (!signal.empty()) return signal;
  std::string code = Str(w, "exit_code");
  return code.empty() ? "–" : absl::StrCat("exit ", code);
}

// A row of figures, then a full-width row with the detail and channel events,
// so the table stays narrow enough for a placement column or a phone.
void AppendWorkerTable(const json& trial, std::string* out) {
  const json& workers = Items(trial, "workers");
  if (workers.empty()) return;
  absl::StrAppend(
      out,
      "<details><summary><b>worker details</b></summary><div class=\"scroll\" "
      "tabindex=\"0\">"
      "<table class=\"details\"><thead><tr><th>worker</th><th>outcome</th>"
      "<th>pid/tid</th><th>ended</th><th>messages</th><th>verified</th>"
      "</tr></thead><tbody>");
  for (const json& w : workers) {
    std::string outcome = Str(w, "outcome", "unknown");
    std::string events;
    for (const json& e : Items(w, "events")) {
      absl::StrAppend(&events, events.empty() ? "" : ", ", Str(e, "kind", "?"),
                      " at ", FormatMs(Num(e, "t_ms")), " on ",
                      Str(e, "channel", "?"));
    }
    std::string detail = Str(w, "detail");
    absl::StrAppend(out, "<tr><td class=\"mono\">", E(Str(w, "name", "?")),
                    "</td><td class=\"o o-", StyleOf(outcome).name, "\">",
                    E(outcome), "</td><td>", E(Str(w, "pid", "?")), "/",
                    E(Str(w, "tid", "?")), "</td><td>", E(Ending(w)),
                    "</td><td>", E(Str(w, "messages", "?")), "/",
                    E(Str(w, "expected_messages", "?")), "</td><td>",
                    Verified(w), "</td></tr>");
    if (!detail.empty() || !events.empty()) {
      absl::StrAppend(out, "<tr class=\"sub\"><td colspan=\"6\">", E(detail),
                      detail.empty() || events.empty() ? "" : " · ",
                      events.empty() ? "" : "events: ", E(events),
                      "</td></tr>");
    }
  }
  absl::StrAppend(out, "</tbody></table></div></details>");
}

}  // namespace

void AppendProcessBoxes(const json& trial, std::string* out) {
  const json& workers = Items(trial, "workers");
  std::set<std::string> placed;
  absl::StrAppend(out, "<div class=\"procs\">");
  for (const json& p : Items(trial, "processes")) {
    std::vector<const json*> ws;
    for (const json& w : workers) {
      std::string name = Str(w, "name");
      bool mine =
          Listed(p, name) || (Items(p, "workers").empty() && Int(p, "pid") &&
                              Int(p, "pid") == Int(w, "pid"));
      if (mine && placed.insert(name).second) ws.push_back(&w);
    }
    std::string head = absl::StrCat("<b>pid ", E(Str(p, "pid", "?")), "</b> · ",
                                    E(Str(p, "status", "status unknown")));
    bool dead =
        !Field(p, "signal").is_null() || Int(p, "exit_code").value_or(0) != 0;
    AppendBox(head, dead, ws, out);
  }
  std::vector<const json*> rest;
  for (const json& w : workers) {
    if (!placed.count(Str(w, "name"))) rest.push_back(&w);
  }
  if (!rest.empty()) AppendBox("<b>no process record</b>", false, rest, out);
  absl::StrAppend(out, "</div>");
}

void AppendEvidence(const json& trial, std::string* out) {
  AppendCrash(Field(trial, "crash"), out);
  for (const json& c : Items(trial, "other_crashes")) AppendCrash(c, out);
  AppendHang(Field(trial, "hang"), out);
  AppendStderr(trial, out);
  AppendWorkerTable(trial, out);
}

void AppendFrames(const json& frames, std::string* out) {
  if (!frames.is_array() || frames.empty()) {
    absl::StrAppend(out, "<p class=\"muted\">no frames recorded</p>");
    return;
  }
  absl::StrAppend(out, "<ol class=\"frames\">");
  for (size_t i = 0; i < frames.size(); ++i) AppendFrame(i, frames[i], out);
  absl::StrAppend(out, "</ol>");
}

}  // namespace faultlab::reports::internal
