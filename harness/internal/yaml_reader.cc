#include "harness/internal/yaml_reader.h"

#include <signal.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <set>
#include <utility>

#include "absl/strings/str_join.h"
#include "harness/scenario_loader.h"

namespace faultlab {
namespace {

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t prev = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t cur = row[j];
      row[j] = std::min(
          {row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] == b[j - 1] ? 0 : 1)});
      prev = cur;
    }
  }
  return row[b.size()];
}

// YAML 1.2 core schema integers: [-+]?[0-9]+ | 0o[0-7]+ | 0x[0-9a-fA-F]+.
bool ParseYamlInt(const std::string& text, int64_t* v) {
  auto all_of = [](std::string_view s, std::string_view set) {
    return !s.empty() && s.find_first_not_of(set) == std::string_view::npos;
  };
  std::string_view s = text;
  int base = 10;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'o')) {
    base = s[1] == 'x' ? 16 : 8;
    s.remove_prefix(2);
    if (!all_of(s, base == 16 ? "0123456789abcdefABCDEF" : "01234567"))
      return false;
  } else {
    std::string_view digits = s;
    if (!digits.empty() && (digits[0] == '-' || digits[0] == '+'))
      digits.remove_prefix(1);
    if (!all_of(digits, "0123456789")) return false;
  }
  errno = 0;
  char* end = nullptr;
  std::string copy(s);
  long long x = std::strtoll(copy.c_str(), &end, base);
  if (errno != 0 || *end != '\0') return false;
  *v = x;
  return true;
}

// A float with no fraction (122.0, 2e0): JSON Schema counts it an integer,
// so the loaders do too.
bool ParseIntegralFloat(const std::string& text, int64_t* v) {
  if (text.find_first_not_of("0123456789+-.eE") != std::string::npos ||
      text.find_first_of("0123456789") == std::string::npos)
    return false;
  errno = 0;
  char* end = nullptr;
  double d = std::strtod(text.c_str(), &end);
  if (errno != 0 || *end != '\0' || d != std::floor(d) || d < -9.2e18 ||
      d > 9.2e18)
    return false;
  *v = static_cast<int64_t>(d);
  return true;
}

void CheckRange(const YAML::Node& n, int64_t v, int64_t lo, int64_t hi,
                const char* what) {
  if (v < lo || v > hi)
    yaml::Fail(n, absl::StrCat(what, " must be between ", lo, " and ", hi,
                               ", got ", v));
}

// What a `signal` fault may send, to a built-in worker's process or to a
// program's.
constexpr std::pair<const char*, int> kSendableSignals[] = {
    {"SIGSEGV", SIGSEGV}, {"SIGABRT", SIGABRT}, {"SIGKILL", SIGKILL},
    {"SIGTERM", SIGTERM}, {"SIGSTOP", SIGSTOP}, {"SIGBUS", SIGBUS},
    {"SIGINT", SIGINT},   {"SIGHUP", SIGHUP}};

}  // namespace

std::string NearestName(std::string_view word,
                        const std::vector<std::string>& candidates) {
  std::string best;
  size_t best_d = std::max<size_t>(2, word.size() / 3) + 1;
  for (const auto& c : candidates) {
    size_t d = EditDistance(word, c);
    if (d < best_d) best_d = d, best = c;
  }
  return best;
}

namespace yaml {

void Fail(const YAML::Node& n, std::string message) {
  throw Error{n.Mark(), std::move(message)};
}

absl::Status ErrorStatus(const std::string& file, const YAML::Mark& mark,
                         const std::string& message) {
  return absl::InvalidArgumentError(absl::StrCat(
      file, ":", mark.line + 1, ":", mark.column + 1, ": error: ", message));
}

std::string WithHint(std::string message, std::string_view word,
                     const std::vector<std::string>& names) {
  const std::string near = NearestName(word, names);
  if (!near.empty())
    absl::StrAppend(&message, "; did you mean '", near, "'?");
  else
    absl::StrAppend(&message,
                    "; expected one of: ", absl::StrJoin(names, ", "));
  return message;
}

void Map(const YAML::Node& n, const std::string& what,
         const std::vector<std::string>& keys) {
  if (!n.IsMap()) Fail(n, absl::StrCat("expected ", what, " as a mapping"));
  std::set<std::string> seen;
  for (const auto& kv : n) {
    if (!kv.first.IsScalar()) Fail(kv.first, "expected a plain key");
    const std::string key = kv.first.Scalar();
    if (!seen.insert(key).second)
      Fail(kv.first, absl::StrCat("key '", key, "' given twice in ", what));
    if (std::find(keys.begin(), keys.end(), key) != keys.end()) continue;
    Fail(kv.first, WithHint(absl::StrCat("unknown key '", key, "' in ", what),
                            key, keys));
  }
}

YAML::Node Required(const YAML::Node& n, const char* key,
                    const std::string& what) {
  YAML::Node v = n[key];
  if (!v) Fail(n, absl::StrCat(what, " needs '", key, "'"));
  return v;
}

std::string String(const YAML::Node& n) {
  if (!n.IsScalar()) Fail(n, "expected a string");
  return n.Scalar();
}

std::string Name(const YAML::Node& n, const char* what, size_t max_len) {
  if (n.IsNull()) Fail(n, absl::StrCat(what, " must not be empty"));
  std::string v = String(n);
  CheckName(n, v, what, max_len);
  return v;
}

void CheckName(const YAML::Node& n, const std::string& text, const char* what,
               size_t max_len) {
  if (text.empty() || text.size() > max_len ||
      text.find_first_not_of(
          "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
          "0123456789_-") != std::string::npos)
    Fail(n, absl::StrCat(what, " needs 1 to ", max_len,
                         " letters, digits, '_' or '-', got '", text, "'"));
}

int64_t Int(const YAML::Node& n, int64_t lo, int64_t hi, const char* what) {
  int64_t v = 0;
  const std::string text = n.IsScalar() ? n.Scalar() : "";
  // A quoted "10" is a string to YAML and to the schema.
  if (!n.IsScalar() || n.Tag() == "!" ||
      !(ParseYamlInt(text, &v) || ParseIntegralFloat(text, &v)))
    Fail(n, absl::StrCat("expected an integer (decimal, 0x hex or 0o octal) "
                         "for ",
                         what, ", got ",
                         n.IsScalar() ? absl::StrCat("'", text, "'")
                         : n.IsNull() ? "nothing"
                                      : "a collection"));
  CheckRange(n, v, lo, hi, what);
  return v;
}

int64_t DecimalInt(const YAML::Node& n, int64_t lo, int64_t hi,
                   const char* what) {
  const std::string t = n.IsScalar() && n.Tag() != "!" ? n.Scalar() : "";
  int64_t v = 0;
  auto [end, err] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (t.empty() || err != std::errc() || end != t.data() + t.size())
    Fail(n, absl::StrCat("expected an integer for ", what));
  CheckRange(n, v, lo, hi, what);
  return v;
}

bool Bool(const YAML::Node& n, const char* what) {
  const std::string t = n.IsScalar() && n.Tag() != "!" ? n.Scalar() : "";
  if (t == "true" || t == "True" || t == "TRUE") return true;
  if (t == "false" || t == "False" || t == "FALSE") return false;
  Fail(n, absl::StrCat("expected true or false for ", what));
}

int SignalNumber(const YAML::Node& n) {
  const std::string s = String(n);
  std::vector<std::string> names;
  for (auto [name, no] : kSendableSignals) {
    if (s == name) return no;
    names.push_back(name);
  }
  Fail(n, absl::StrCat("unknown signal '", s,
                       "'; expected one of: ", absl::StrJoin(names, ", ")));
}

}  // namespace yaml
}  // namespace faultlab
