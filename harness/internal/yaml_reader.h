// The checked reads both scenario loaders make of a yaml-cpp tree: the
// worker scenario loader (harness/scenario_loader.cc) and the program one
// (harness/program/program_loader.cc). A check that fails throws
// yaml::Error; the loader's entry point catches it and returns
// ErrorStatus(), so no exception leaves a loader. yaml-cpp marks are
// 0-based; errors print them 1-based, as editors count.
//
// The messages are part of faultlab's interface: tests and the reject files
// in reports/testdata/scenario_rejects/ compare them byte for byte.
#ifndef FAULTLAB_HARNESS_INTERNAL_YAML_READER_H_
#define FAULTLAB_HARNESS_INTERNAL_YAML_READER_H_

#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace faultlab::yaml {

// What a failed check throws: where, and what was expected there.
struct Error {
  YAML::Mark mark;
  std::string message;
};

[[noreturn]] void Fail(const YAML::Node& n, std::string message);

// "file:line:column: error: message", as InvalidArgument.
absl::Status ErrorStatus(const std::string& file, const YAML::Mark& mark,
                         const std::string& message);

// `message` with a hint for the misspelt `word`: "; did you mean 'x'?" for
// the nearest of `names`, or else "; expected one of: a, b, c".
std::string WithHint(std::string message, std::string_view word,
                     const std::vector<std::string>& names);

// Checks `n` is a mapping whose keys are all in `keys`, each given once.
// `what` names the mapping in errors ("a channel").
void Map(const YAML::Node& n, const std::string& what,
         const std::vector<std::string>& keys);

// `n[key]`, which must be there.
YAML::Node Required(const YAML::Node& n, const char* key,
                    const std::string& what);

std::string String(const YAML::Node& n);

// A name that goes into fixed-size slots, thread names and reports: 1 to
// `max_len` letters, digits, '_' or '-'. A null is "empty"; a collection is
// not a string.
std::string Name(const YAML::Node& n, const char* what, size_t max_len);
// The character and length check of Name() on text already taken from `n`.
void CheckName(const YAML::Node& n, const std::string& text, const char* what,
               size_t max_len);

// An integer in [lo, hi] as YAML 1.2 (and so editors and the JSON Schema)
// read it: decimal (010 is ten, not yaml-cpp's octal 8), 0x hex, 0o octal,
// or a float with no fraction (122.0). A quoted "10" is a string.
int64_t Int(const YAML::Node& n, int64_t lo, int64_t hi, const char* what);
// A decimal integer in [lo, hi] only (program scenarios take no other).
int64_t DecimalInt(const YAML::Node& n, int64_t lo, int64_t hi,
                   const char* what);

// YAML 1.2's booleans only (not 1.1's yes/no/on/off); a quoted "true" is a
// string.
bool Bool(const YAML::Node& n, const char* what);

template <typename E>
struct Named {
  const char* name;
  E value;
};

// One of `table`'s names; a misspelt one gets a hint (WithHint).
template <typename E, size_t N>
E Enum(const YAML::Node& n, const Named<E> (&table)[N], const char* what) {
  const std::string s = String(n);
  std::vector<std::string> names;
  for (const auto& e : table) {
    if (s == e.name) return e.value;
    names.push_back(e.name);
  }
  Fail(n, WithHint(absl::StrCat("unknown ", what, " '", s, "'"), s, names));
}

// The signal a `signal` fault sends, by name (SIGSEGV, SIGSTOP, ...); the
// same few for built-in workers and for programs.
int SignalNumber(const YAML::Node& n);

}  // namespace faultlab::yaml

#endif  // FAULTLAB_HARNESS_INTERNAL_YAML_READER_H_
