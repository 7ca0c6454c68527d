#include "harness/symbolizer.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <boost/process/args.hpp>
#include <boost/process/child.hpp>
#include <boost/process/exe.hpp>
#include <boost/process/io.hpp>
#include <boost/process/pipe.hpp>
#include <cerrno>
#include <chrono>
#include <mutex>
#include <set>
#include <string>
#include <system_error>

#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "harness/launcher.h"

namespace faultlab {
namespace {

namespace bp = boost::process;

std::string Basename(const std::string& p) {
  size_t s = p.rfind('/');
  return s == std::string::npos ? p : p.substr(s + 1);
}

// Reads addr2line's whole output, or what came before the deadline.
std::string ReadUntil(int fd, std::chrono::steady_clock::time_point deadline,
                      bool* timed_out) {
  std::string text;
  char buf[4096];
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      *timed_out = true;
      return text;
    }
    pollfd p{fd, POLLIN, 0};
    int r = poll(&p, 1, int(std::min<int64_t>(left.count() + 1, 1'000)));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) continue;
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return text;
    text.append(buf, size_t(n));
  }
}

}  // namespace

void Symbolizer::Resolve(const std::string& path,
                         const std::vector<uint64_t>& offsets) {
  std::vector<std::string> args = {"-f", "-C", "-e", path};
  for (uint64_t o : offsets) args.push_back(absl::StrFormat("0x%x", o));
  std::vector<std::string> lines;
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) == 0) {
    // Close-on-exec, so a subject spawned meanwhile by another thread
    // cannot hold the write end open; the child gets it as its stdout.
    bp::pipe out(fds[0], fds[1]);
    std::error_code ec;
    std::unique_lock<std::mutex> spawning(SpawnMutex());
    bp::child c(bp::exe = opts_.addr2line, bp::args = args, bp::std_out > out,
                bp::std_err > bp::null, bp::std_in < bp::null, ec);
    spawning.unlock();
    if (!ec) {
      bool timed_out = false;
      std::string text = ReadUntil(
          out.native_source(), std::chrono::steady_clock::now() + opts_.timeout,
          &timed_out);
      out.close();
      if (timed_out) {
        kill(c.id(), SIGKILL);
      } else {
        lines = absl::StrSplit(text, '\n');
      }
      c.wait(ec);
    }
  }
  for (size_t i = 0; i < offsets.size(); ++i) {
    FrameResult f;
    f.module = Basename(path);
    if (2 * i + 1 < lines.size()) {
      const std::string& fn = lines[2 * i];
      const std::string& loc = lines[2 * i + 1];
      if (fn != "??") f.function = fn;
      size_t colon = loc.rfind(':');
      std::string file = loc.substr(0, colon);
      if (file != "??" && colon != std::string::npos) {
        const std::string& src = opts_.source_dir;
        if (!src.empty() && file.rfind(src + "/", 0) == 0)
          file = file.substr(src.size() + 1);
        f.file = file;
        f.line = std::atoi(loc.c_str() + colon + 1);
      }
    }
    cache_[{path, offsets[i]}] = f;
  }
}

std::vector<FrameResult> Symbolizer::Symbolize(const CrashRecord& rec,
                                               const WorkerSlot& slot) {
  struct Where {
    std::string path;
    uint64_t offset = 0;
    uint64_t ip = 0;
  };
  std::vector<Where> where;
  std::map<std::string, std::set<uint64_t>> todo;
  uint32_t n = std::min<uint32_t>(rec.n_frames, kMaxFrames);
  for (uint32_t i = 0; i < n; ++i) {
    uint64_t ip = rec.frames[i].ip;
    // A return address points after the call; look up the call itself.
    uint64_t lookup = i == 0 ? ip : ip - 1;
    Where w{"", 0, ip};
    for (uint32_t m = 0; m < std::min<uint32_t>(slot.n_modules, kMaxModules);
         ++m) {
      const Module& mod = slot.modules[m];
      if (lookup >= mod.start && lookup < mod.end) {
        w.path.assign(mod.path, strnlen(mod.path, sizeof mod.path));
        if (w.path.empty()) w.path = opts_.main_exe;
        w.offset = lookup - mod.base;
        break;
      }
    }
    if (!w.path.empty() && !cache_.count({w.path, w.offset}))
      todo[w.path].insert(w.offset);
    where.push_back(w);
  }
  for (const auto& [path, offs] : todo)
    Resolve(path, std::vector<uint64_t>(offs.begin(), offs.end()));
  std::vector<FrameResult> out;
  for (const Where& w : where) {
    FrameResult f;
    if (!w.path.empty()) f = cache_[{w.path, w.offset}];
    f.address = w.ip;
    out.push_back(f);
  }
  return out;
}

}  // namespace faultlab
