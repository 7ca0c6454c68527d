#include "reports/internal/json_view.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace faultlab::reports::internal {

std::string CrashAddressText(const nlohmann::json& crash) {
  const std::string code = Str(crash, "si_code");
  if (code.empty() || code.rfind("SI_", 0) == 0) return "";
  return " at " + Str(crash, "address", "?");
}
namespace {

const nlohmann::json& NullValue() {
  static const nlohmann::json* const kNull = new nlohmann::json(nullptr);
  return *kNull;
}

const nlohmann::json& EmptyArray() {
  static const nlohmann::json* const kEmpty =
      new nlohmann::json(nlohmann::json::array());
  return *kEmpty;
}

}  // namespace

const nlohmann::json& Field(const nlohmann::json& j, std::string_view key) {
  if (!j.is_object()) return NullValue();
  auto it = j.find(key);
  return it == j.end() ? NullValue() : *it;
}

const nlohmann::json& Items(const nlohmann::json& j, std::string_view key) {
  const nlohmann::json& v = Field(j, key);
  return v.is_array() ? v : EmptyArray();
}

std::string Str(const nlohmann::json& j, std::string_view key,
                std::string_view fallback) {
  const nlohmann::json& v = Field(j, key);
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_number_integer()) return absl::StrCat(v.get<int64_t>());
  if (v.is_number()) return absl::StrFormat("%g", v.get<double>());
  return std::string(fallback);
}

std::optional<double> Num(const nlohmann::json& j, std::string_view key) {
  const nlohmann::json& v = Field(j, key);
  if (!v.is_number()) return std::nullopt;
  double d = v.get<double>();
  if (!std::isfinite(d)) return std::nullopt;
  return d;
}

std::optional<int64_t> Int(const nlohmann::json& j, std::string_view key) {
  const nlohmann::json& v = Field(j, key);
  if (v.is_number_integer()) return v.get<int64_t>();
  if (v.is_number_float()) {
    double d = v.get<double>();
    if (std::isfinite(d) && std::fabs(d) < 9e18) return static_cast<int64_t>(d);
  }
  return std::nullopt;
}

std::optional<bool> Bool(const nlohmann::json& j, std::string_view key) {
  const nlohmann::json& v = Field(j, key);
  if (!v.is_boolean()) return std::nullopt;
  return v.get<bool>();
}

std::string FormatMs(std::optional<double> ms) {
  if (!ms) return "–";
  if (*ms >= 10000) return absl::StrFormat("%.1f s", *ms / 1000);
  if (*ms >= 1000) return absl::StrFormat("%.2f s", *ms / 1000);
  return absl::StrFormat("%.1f ms", *ms);
}

int BlastDenominator(const nlohmann::json& trial, std::string_view target) {
  // Every fault's target is left out (the trial lists them); an older
  // result names one.
  std::vector<std::string> targets;
  for (const nlohmann::json& f : Items(trial, "faults"))
    targets.push_back(Str(f, "target"));
  if (targets.empty()) targets.emplace_back(target);
  int n = 0;
  for (const nlohmann::json& w : Items(trial, "workers")) {
    if (std::find(targets.begin(), targets.end(), Str(w, "name")) ==
        targets.end())
      ++n;
  }
  return n;
}

std::string BlastText(const nlohmann::json& trial, std::string_view target) {
  std::optional<int64_t> blast = Int(trial, "blast_radius");
  return absl::StrCat("blast ", blast ? absl::StrCat(*blast) : "?", "/",
                      BlastDenominator(trial, target));
}

std::vector<std::string> FailedChecks(const nlohmann::json& placement) {
  std::vector<std::string> out;
  for (const nlohmann::json& e : Items(placement, "expectations")) {
    if (Bool(e, "passed").value_or(false)) continue;
    std::string line = Str(e, "check", "(unnamed check)");
    std::string actual = Str(e, "actual");
    if (!actual.empty()) absl::StrAppend(&line, " (actual: ", actual, ")");
    out.push_back(std::move(line));
  }
  return out;
}

std::string FaultsText(const nlohmann::json& scenario) {
  std::vector<std::string> parts;
  auto one = [](const nlohmann::json& f) {
    std::string kind = Str(f, "kind", "?");
    std::string variant = Str(f, "variant");
    if (!variant.empty() && variant != "default")
      absl::StrAppend(&kind, " (", variant, ")");
    return absl::StrCat(kind, " in ", Str(f, "target", "?"), ", ",
                        Str(f, "trigger", "trigger unknown"));
  };
  for (const nlohmann::json& f : Items(scenario, "faults"))
    parts.push_back(one(f));
  const nlohmann::json& first = Field(scenario, "fault");
  if (parts.empty() && first.is_object() && Str(first, "kind") != "none")
    parts.push_back(one(first));
  if (parts.empty()) return "no fault";
  return absl::StrCat(parts.size() == 1 ? "fault: " : "faults: ",
                      absl::StrJoin(parts, "; "));
}

std::string GroupsText(const nlohmann::json& placement) {
  std::string name = Str(placement, "placement");
  const nlohmann::json& groups = Items(placement, "groups");
  if (name == "thread" || name == "process" || groups.empty()) return "";
  std::string out = "processes:";
  for (const nlohmann::json& g : groups) {
    std::vector<std::string> names;
    if (g.is_array())
      for (const nlohmann::json& w : g)
        names.push_back(w.is_string() ? w.get<std::string>() : "?");
    absl::StrAppend(&out, " {", absl::StrJoin(names, " "), "}");
  }
  return out;
}

bool TrialPassed(const nlohmann::json& placement, const nlohmann::json& trial) {
  if (std::optional<bool> b = Bool(trial, "passed")) return *b;
  return Bool(placement, "passed").value_or(false);
}

std::vector<std::string> TrialFailedChecks(const nlohmann::json& trial) {
  std::vector<std::string> out;
  for (const nlohmann::json& c : Items(trial, "checks")) {
    if (Bool(c, "passed").value_or(false)) continue;
    std::string line = Str(c, "check", "(unnamed check)");
    std::string actual = Str(c, "actual");
    if (!actual.empty()) absl::StrAppend(&line, " (actual: ", actual, ")");
    out.push_back(std::move(line));
  }
  return out;
}

std::string Percent(std::optional<double> f) {
  if (!f) return "–";
  double pct = std::clamp(*f, 0.0, 1.0) * 100;
  // 99.6% is not "100%" unless it is: never round a miss up to a full rate.
  if (pct > 99 && pct < 100)
    return absl::StrFormat("%.1f%%", std::floor(pct * 10) / 10);
  if (pct > 0 && pct < 1)
    return absl::StrFormat("%.1f%%", std::ceil(pct * 10) / 10);
  return absl::StrFormat("%.0f%%", pct);
}

std::string RateText(int64_t held, int64_t trials,
                     const nlohmann::json& wilson95) {
  std::string out = absl::StrCat(held, "/", trials);
  if (trials <= 0) return out;
  absl::StrAppend(&out, " (", Percent(double(held) / double(trials)));
  std::optional<double> lo = Num(wilson95, "low"), hi = Num(wilson95, "high");
  if (lo && hi)
    absl::StrAppend(&out, ", 95% CI ", Percent(lo), "–", Percent(hi));
  absl::StrAppend(&out, ")");
  return out;
}

std::string RequiredRateText(double required) {
  if (required >= 1) return "every trial";
  return absl::StrCat("≥ ", Percent(required), " of trials");
}

namespace {

// Single-quoted for a POSIX shell when it holds anything but [A-Za-z0-9_./-].
std::string ShellWord(const std::string& w) {
  if (!w.empty() &&
      w.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                          "0123456789_./-=:") == std::string::npos)
    return w;
  std::string out = "'";
  for (char c : w) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

}  // namespace

std::string ReplayCommand(const nlohmann::json& scenario,
                          std::string_view placement,
                          const nlohmann::json& trial) {
  return absl::StrCat("faultlab run ",
                      ShellWord(Str(scenario, "file", "SCENARIO")),
                      " --placement ", ShellWord(std::string(placement)),
                      " --seed ", Str(trial, "seed", "?"));
}

}  // namespace faultlab::reports::internal
