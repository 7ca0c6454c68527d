// The entry points, and the worker scenario's top level; its sections are
// in harness/internal/load_*.cc (worker_scenario_loader.h lists them). The
// checks that fail throw yaml::Error (harness/internal/yaml_reader.h);
// LoadScenarioText() turns it into a Status, so no exception leaves the
// loader.
#include "harness/scenario_loader.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/yaml.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "harness/internal/worker_scenario_loader.h"
#include "harness/internal/yaml_reader.h"
#include "harness/program/program_loader.h"

namespace faultlab {
namespace internal {

// The top-level keys, in the order their checks need: the workers before
// what names them, the channels before the topology checks, and the
// placements and faults before the expectations about them.
Scenario WorkerScenarioLoader::Load(const YAML::Node& root) {
  Scenario s;
  s.file = file_;
  Map(root, "the scenario",
      {"name", "description", "seed", "deadline_ms", "host", "placements",
       "workers", "channels", "fault", "faults", "expect"});
  s.name = Name(Required(root, "name", "the scenario"), "name", 64);
  if (auto n = root["description"]) s.description = String(n);
  if (auto n = root["seed"])
    s.seed = Int(n, 0, std::numeric_limits<int64_t>::max(), "seed");
  if (auto n = root["deadline_ms"])
    s.deadline_ms = Int(n, 1, 600000, "deadline_ms");
  if (auto n = root["host"]) LoadHost(n, s);
  LoadWorkers(Required(root, "workers", "the scenario"), s);
  for (const Worker& w : s.workers)
    if (w.role == Role::kComponent && s.host.empty())
      Fail(root["workers"],
           absl::StrCat(w.name, " runs component '", w.component,
                        "', which needs the host that has it: add "
                        "'host: <your host binary>'"));
  if (auto n = root["placements"])
    LoadPlacements(n, s);
  else
    s.placements = {ThreadPlacement(s.workers.size()),
                    ProcessPlacement(s.workers.size())};
  if (auto n = root["channels"]) LoadChannels(n, s);
  CheckTopology(root, s);
  CheckProgramWorkers(root, s);
  LoadFaults(root, s);
  if (auto n = root["expect"]) LoadExpect(n, s);
  return s;
}

}  // namespace internal

namespace {

// Advice for YAML syntax errors users make. yaml-cpp says "end of map flow
// not found" for `{from: producer, to: sink[3]}`: inside { } (or [ ]) an
// unquoted `[` opens a list. The line of the error, and the one before it,
// are searched for such a name.
std::string YamlHint(std::string_view text, const YAML::Exception& e) {
  if (e.msg.find("flow") == std::string::npos) return "";
  std::vector<std::string_view> lines;
  for (size_t at = 0; at <= text.size();) {
    size_t nl = text.find('\n', at);
    if (nl == std::string_view::npos) nl = text.size();
    lines.push_back(text.substr(at, nl - at));
    at = nl + 1;
  }
  for (int l = e.mark.line; l >= 0 && l >= e.mark.line - 1; --l) {
    if (size_t(l) >= lines.size()) continue;
    std::string_view line = lines[l];
    bool quoted = false;
    char quote = 0;
    for (size_t i = 0; i < line.size(); ++i) {
      char c = line[i];
      if (quoted) {
        quoted = c != quote;
        continue;
      }
      if (c == '"' || c == '\'') {
        quoted = true;
        quote = c;
        continue;
      }
      if (c == '#') break;
      if (c != '[' || i == 0) continue;
      size_t b = i;
      while (b > 0 && (std::isalnum(static_cast<unsigned char>(line[b - 1])) ||
                       line[b - 1] == '_' || line[b - 1] == '-'))
        --b;
      size_t close = line.find(']', i);
      if (b == i || close == std::string_view::npos) continue;
      std::string name(line.substr(b, close + 1 - b));
      return absl::StrCat(
          "; hint: inside { } or [ ], quote a name with an index: \"", name,
          "\" (unquoted, YAML reads its [ as the start of a list)");
    }
  }
  return "; hint: a { } or [ ] is not closed on this line, or holds an "
         "unquoted ':', '[' or '{' (quote such values)";
}

}  // namespace

absl::StatusOr<Scenario> LoadScenarioText(std::string_view text,
                                          const std::string& file) {
  try {
    YAML::Node root = YAML::Load(std::string(text));
    if (!root || root.IsNull())
      return absl::InvalidArgumentError(absl::StrCat(
          file, ":1:1: error: the file is empty; expected a scenario mapping"));
    // A real program as the subject: its own loader (harness/program/).
    if (root.IsMap() && root["program"])
      return program::LoadProgramScenario(root, file);
    return internal::WorkerScenarioLoader(file).Load(root);
  } catch (const yaml::Error& e) {
    return yaml::ErrorStatus(file, e.mark, e.message);
  } catch (const YAML::DeepRecursion& e) {
    // yaml-cpp's guard against a stack overflow says only "bad file".
    return yaml::ErrorStatus(
        file, e.mark,
        absl::StrCat("nested ", e.depth(),
                     " levels deep here; a scenario needs a handful (is a "
                     "bracket or a '- ' repeated?)"));
  } catch (const YAML::Exception& e) {
    return yaml::ErrorStatus(file, e.mark,
                             absl::StrCat(e.msg, YamlHint(text, e)));
  }
}

absl::StatusOr<Scenario> LoadScenarioFile(const std::string& path) {
  // "-" is standard input; anything else is opened as given. Whatever it is
  // (a file, a pipe, /dev/zero), at most kMaxScenarioBytes are read.
  const bool stdin_ = path == "-";
  const std::string name = stdin_ ? "<stdin>" : path;
  const int fd = stdin_ ? 0 : open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    std::string why = strerror(err);
    if (err == EMFILE || err == ENFILE) {
      rlimit rl{};
      getrlimit(RLIMIT_NOFILE, &rl);
      absl::StrAppend(&why, " (ulimit -n is ", rl.rlim_cur,
                      "; faultlab needs a few hundred descriptors)");
    }
    return absl::InvalidArgumentError(
        absl::StrCat(name, ": error: cannot open the scenario file: ", why));
  }
  struct stat st {};
  if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    if (!stdin_) close(fd);
    return absl::InvalidArgumentError(absl::StrCat(
        name, ": error: is a directory, expected a scenario file"));
  }
  std::string text;
  char buf[64 * 1024];
  bool too_big = false, bad = false;
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) bad = true;
    if (n <= 0) break;
    text.append(buf, size_t(n));
    if (text.size() > kMaxScenarioBytes) {
      too_big = true;
      break;
    }
  }
  const int err = errno;
  if (!stdin_) close(fd);
  if (too_big)
    return absl::InvalidArgumentError(
        absl::StrCat(name, ": error: more than ", kMaxScenarioBytes / 1024,
                     " KiB; a scenario file is at most 1 MiB"));
  if (bad)
    return absl::InvalidArgumentError(absl::StrCat(
        name, ": error: cannot read the scenario file: ", strerror(err)));
  return LoadScenarioText(text, name);
}

}  // namespace faultlab
