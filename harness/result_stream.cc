// Layout of the JSON as it grows (indented as nlohmann's dump(2) indents):
//
//   {head ... "scenarios": [ {scenario head ... "placements": [
//       {"placement": ..., "trials": [ trial, trial, ...   <- committed_
//       ], "passed": ..., "expectations": [...]}           <- tail: rewritten
//     ], "passed": ...}
//   ], "complete": ..., "passed": ...}
//
// Everything before committed_ is final; each trial appends its text there
// and rewrites the tail after it in the same write. The tail is bounded by
// the open placement's verdict: its checks and summary, whose only part that
// grows with the trials is the list of failing seeds.
//
// The JUnit file keeps its totals in the start tags of <testsuites> and of
// the open <testsuite>, padded with spaces inside the tag so new totals
// overwrite them in place at the same width.
#include "harness/result_stream.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "harness/run_command.h"
#include "reports/junit_report.h"

namespace faultlab {
namespace {

using nlohmann::json;

// Room left in a padded start tag for its numbers to grow.
constexpr size_t kTagSlack = 64;

std::string Dump(const json& j) {
  return j.dump(2, ' ', false, json::error_handler_t::replace);
}

// `j` dumped as a value whose first line is already at column `indent`.
std::string Indent(const json& j, int indent) {
  return absl::StrReplaceAll(Dump(j),
                             {{"\n", "\n" + std::string(indent, ' ')}});
}

std::string Bool(bool b) { return b ? "true" : "false"; }

bool PwriteAll(int fd, const std::string& data, off_t at) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n =
        pwrite(fd, data.data() + done, data.size() - done, at + off_t(done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += size_t(n);
  }
  return true;
}

// A file written in place: bytes before committed_ are final.
class GrowingFile {
 public:
  ~GrowingFile() {
    if (fd_ >= 0) close(fd_);
  }
  bool Create(const std::string& path) {
    path_ = path;
    fd_ = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd_ < 0)
      std::cerr << "faultlab: cannot write " << path << ": " << strerror(errno)
                << "\n";
    return fd_ >= 0;
  }
  // Appends `text` after the committed bytes and writes `tail` after it.
  bool Append(const std::string& text, const std::string& tail) {
    std::string both = text + tail;
    bool ok = PwriteAll(fd_, both, committed_);
    committed_ += off_t(text.size());
    off_t end = committed_ + off_t(tail.size());
    if (ok && end < size_) ok = ftruncate(fd_, end) == 0;
    size_ = end;
    if (!ok) Fail();
    return ok;
  }
  // Overwrites committed bytes at `at` with `text` of the same length.
  bool Patch(off_t at, const std::string& text) {
    bool ok = PwriteAll(fd_, text, at);
    if (!ok) Fail();
    return ok;
  }
  off_t committed() const { return committed_; }
  const std::string& path() const { return path_; }
  void Close() {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
  }

 private:
  void Fail() {
    if (!failed_)
      std::cerr << "faultlab: cannot write " << path_ << ": " << strerror(errno)
                << "\n";
    failed_ = true;
  }
  std::string path_;
  int fd_ = -1;
  off_t committed_ = 0;
  off_t size_ = 0;
  bool failed_ = false;
};

}  // namespace

class ResultStream::JsonFile {
 public:
  bool Open(const std::string& path, const RunResult& run) {
    if (!file_.Create(path)) return false;
    std::string head = absl::StrCat(
        "{\n  \"schema\": \"faultlab.result/1\",\n",
        "  \"faultlab_version\": \"", kFaultlabVersion, "\",\n",
        "  \"started\": ", Dump(run.started),
        ",\n  \"command\": ", Dump(run.command), ",\n  \"seed_override\": ",
        run.seed_override ? Dump(*run.seed_override) : "null",
        ",\n  \"shard\": ", Indent(ShardJson(run), 2),
        ",\n  \"trials_planned\": ", run.trials_planned,
        ",\n  \"scenarios\": [");
    return file_.Append(head, RunClose(run, false));
  }

  bool Add(const RunResult& run, const json& trial) {
    std::string text;
    const ScenarioResult& sr = run.scenarios.back();
    if (run.scenarios.size() > scenarios_) {
      if (scenarios_ > 0) {
        const ScenarioResult& prev = run.scenarios[scenarios_ - 1];
        absl::StrAppend(&text, PlacementClose(prev.placements.back()),
                        ScenarioClose(prev));
      }
      absl::StrAppend(&text, scenarios_ ? ",\n" : "\n", ScenarioOpen(sr));
      scenarios_ = run.scenarios.size();
      placements_ = 0;
    }
    const PlacementResult& pr = sr.placements.back();
    if (sr.placements.size() > placements_) {
      if (placements_ > 0)
        absl::StrAppend(&text, PlacementClose(sr.placements[placements_ - 1]));
      absl::StrAppend(&text, placements_ ? ",\n" : "\n",
                      "        {\n          \"placement\": ");
      absl::StrAppend(&text, Dump(pr.placement),
                      ",\n          \"groups\": ", Indent(json(pr.groups), 10),
                      ",\n          \"trials\": [");
      placements_ = sr.placements.size();
      trials_ = 0;
    }
    absl::StrAppend(&text, trials_ ? ",\n" : "\n", std::string(12, ' '),
                    Indent(trial, 12));
    ++trials_;
    return file_.Append(text, Tail(run, false));
  }

  // The end: the whole document at once (rename), so what the run ended
  // with (a harness error's placement, which has no trial) is in it too.
  bool Finish(const json& result) {
    file_.Close();
    return WriteFileAtomic(file_.path(), Dump(result) + "\n");
  }

 private:
  std::string Tail(const RunResult& run, bool complete) const {
    std::string tail;
    if (!run.scenarios.empty() && scenarios_ > 0) {
      const ScenarioResult& sr = run.scenarios[scenarios_ - 1];
      tail = absl::StrCat(PlacementClose(sr.placements[placements_ - 1]),
                          ScenarioClose(sr));
    }
    return tail + RunClose(run, complete);
  }
  static std::string ScenarioOpen(const ScenarioResult& s) {
    return absl::StrCat("    {\n      \"name\": ", Dump(s.name),
                        ",\n      \"file\": ", Dump(s.file),
                        ",\n      \"description\": ", Dump(s.description),
                        ",\n      \"fault\": ", Indent(FaultJson(s), 6),
                        ",\n      \"faults\": ", Indent(FaultsJson(s), 6),
                        ",\n      \"placements\": [");
  }
  static std::string PlacementClose(const PlacementResult& p) {
    // The verdict over the trials so far: passed, each check's rate, the
    // summary (distributions, failing seeds).
    std::string out = "\n          ]";
    const json verdict = PlacementVerdictJson(p);
    for (const char* key :
         {"passed", "no_expectations", "error", "expectations", "summary"})
      absl::StrAppend(&out, ",\n          \"", key,
                      "\": ", Indent(verdict.at(key), 10));
    return out + "\n        }";
  }
  static std::string ScenarioClose(const ScenarioResult& s) {
    return absl::StrCat("\n      ],\n      \"passed\": ", Bool(s.passed),
                        "\n    }");
  }
  static std::string RunClose(const RunResult& run, bool complete) {
    return absl::StrCat("\n  ],\n  \"complete\": ", Bool(complete),
                        ",\n  \"passed\": ", Bool(run.passed()), "\n}\n");
  }

  GrowingFile file_;
  size_t scenarios_ = 0;   // scenarios opened so far
  size_t placements_ = 0;  // of the last scenario
  size_t trials_ = 0;      // of its last placement
};

class ResultStream::JunitFile {
 public:
  bool Open(const std::string& path, const RunResult& run) {
    if (!file_.Create(path)) return false;
    started_ = json{{"started", run.started}};
    suites_at_ = off_t(reports::JunitHead().size());
    std::string tag = reports::JunitSuitesTag(0, 0, 0);
    suites_width_ = tag.size() + kTagSlack;
    return file_.Append(reports::JunitHead() + Padded(tag, suites_width_),
                        "</testsuites>\n");
  }

  bool Add(const RunResult& run, json trial,
           const std::vector<CheckResult>& checks) {
    const ScenarioResult& sr = run.scenarios.back();
    const PlacementResult& pr = sr.placements.back();
    const json scenario = {{"name", sr.name}, {"file", sr.file}};
    std::string text;
    if (run.scenarios.size() > scenarios_) {
      if (scenarios_ > 0) text = "  </testsuite>\n";
      scenarios_ = run.scenarios.size();
      suite_ = {};
      suite_at_ = file_.committed() + off_t(text.size());
      std::string tag = reports::JunitSuiteTag(started_, scenario, 0, 0, 0);
      suite_width_ = tag.size() + kTagSlack;
      text += Padded(tag, suite_width_);
    }
    bool passed = true;
    for (const CheckResult& c : checks) passed = passed && c.passed;
    json placement = {{"placement", pr.placement},
                      {"groups", pr.groups},
                      {"passed", passed},
                      {"no_expectations", pr.no_expectations},
                      {"expectations", ToJson(checks)},
                      {"trials", json::array()}};
    placement["trials"].push_back(std::move(trial));  // no copy of the tree
    text += reports::RenderJunitTrialCase(scenario, placement,
                                          int(pr.trials.size()));
    const double seconds = reports::JunitSeconds(placement);
    for (Totals* t : {&suite_, &all_}) {
      ++t->tests;
      t->failures += passed ? 0 : 1;
      t->seconds += seconds;
    }
    bool ok = file_.Append(text, "  </testsuite>\n</testsuites>\n");
    ok &= Rewrite(suite_at_,
                  reports::JunitSuiteTag(started_, scenario, suite_.tests,
                                         suite_.failures, suite_.seconds),
                  suite_width_);
    ok &= Rewrite(
        suites_at_,
        reports::JunitSuitesTag(all_.tests, all_.failures, all_.seconds),
        suites_width_);
    return ok;
  }

  // The final document, per placement, replaces the per-trial one whole.
  bool Finish(const json& result) {
    file_.Close();
    return WriteFileAtomic(file_.path(), reports::RenderJunit(result));
  }

 private:
  struct Totals {
    int tests = 0, failures = 0;
    double seconds = 0;
  };
  static std::string Padded(const std::string& tag, size_t width) {
    return tag + std::string(width - tag.size(), ' ') + ">\n";
  }
  // A start tag that outgrew its room keeps its old totals; the file stays
  // well-formed and Finish() writes the right ones.
  bool Rewrite(off_t at, const std::string& tag, size_t width) {
    if (tag.size() > width) return true;
    return file_.Patch(at, Padded(tag, width));
  }

  GrowingFile file_;
  json started_;  // {"started": ...}, for the suites' timestamp
  off_t suites_at_ = 0, suite_at_ = 0;
  size_t suites_width_ = 0, suite_width_ = 0;
  size_t scenarios_ = 0;
  Totals suite_, all_;
};

std::unique_ptr<ResultStream> ResultStream::Open(const std::string& json_path,
                                                 const std::string& junit_path,
                                                 const RunResult& run) {
  std::unique_ptr<ResultStream> s(new ResultStream);
  if (!json_path.empty()) {
    s->json_ = std::make_unique<JsonFile>();
    if (!s->json_->Open(json_path, run)) return nullptr;
  }
  if (!junit_path.empty()) {
    s->junit_ = std::make_unique<JunitFile>();
    if (!s->junit_->Open(junit_path, run)) return nullptr;
  }
  return s;
}

ResultStream::~ResultStream() = default;

bool ResultStream::Add(const RunResult& run,
                       const std::vector<CheckResult>& checks) {
  json trial = ToJson(run.scenarios.back().placements.back().trials.back());
  bool ok = true;
  if (json_) ok &= json_->Add(run, trial);
  if (junit_) ok &= junit_->Add(run, std::move(trial), checks);
  return ok;
}

bool ResultStream::Finish(const RunResult& /*run*/, const json& result) {
  bool ok = true;
  if (json_) ok &= json_->Finish(result);
  if (junit_) ok &= junit_->Finish(result);
  return ok;
}

}  // namespace faultlab
