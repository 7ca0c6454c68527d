#include "harness/progress.h"

#include <time.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace faultlab {
namespace {

uint64_t NowNs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return uint64_t(ts.tv_sec) * 1000000000u + uint64_t(ts.tv_nsec);
}

std::string Duration(double s) {
  if (s < 90) return absl::StrFormat("%.0f s", s);
  if (s < 5400) return absl::StrFormat("%.0f min", s / 60);
  return absl::StrFormat("%.1f h", s / 3600);
}

}  // namespace

Progress::Progress(FILE* out, size_t total, bool tty, bool enabled)
    : out_(out),
      total_(total),
      tty_(tty),
      enabled_(enabled && total > 0),
      start_ns_(NowNs()) {}

Progress::~Progress() { Clear(); }

std::string Progress::Text(size_t done, size_t total, size_t failed,
                           double elapsed_s) {
  const int width = int(absl::StrCat(total).size());
  std::string out = absl::StrFormat("[%*d/%d] %d failed", width, int(done),
                                    int(total), int(failed));
  if (done > 0 && elapsed_s > 0) {
    const double rate = double(done) / elapsed_s;
    absl::StrAppend(&out, " · ", absl::StrFormat("%.1f", rate), " trials/s");
    if (done < total)
      absl::StrAppend(&out, " · ETA ", Duration(double(total - done) / rate));
  }
  return out;
}

void Progress::Trial(bool failed, const std::string& label) {
  ++done_;
  failed_ += failed;
  if (!enabled_ || !tty_) return;
  std::string line =
      Text(done_, total_, failed_, double(NowNs() - start_ns_) / 1e9);
  if (done_ < total_ && !label.empty()) absl::StrAppend(&line, " · ", label);
  // \r and erase-line: the line is rewritten in place, never scrolls.
  std::fprintf(out_, "\r\x1b[2K%s", line.c_str());
  std::fflush(out_);
  shown_ = true;
}

void Progress::ScenarioDone(const std::string& name) {
  if (!enabled_ || tty_) return;
  std::fprintf(
      out_, "faultlab: %s done, %s\n", name.c_str(),
      Text(done_, total_, failed_, double(NowNs() - start_ns_) / 1e9).c_str());
  std::fflush(out_);
}

void Progress::Clear() {
  if (!shown_) return;
  std::fprintf(out_, "\r\x1b[2K");
  std::fflush(out_);
  shown_ = false;
}

}  // namespace faultlab
