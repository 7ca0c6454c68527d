#include "harness/symbolizer.h"

#include <unistd.h>

#include <boost/process/args.hpp>
#include <boost/process/child.hpp>
#include <boost/process/exe.hpp>
#include <boost/process/io.hpp>
#include <boost/process/pipe.hpp>
#include <set>
#include <system_error>

#include "absl/strings/str_format.h"

namespace faultlab {
namespace {

namespace bp = boost::process;

std::string Basename(const std::string& p) {
  size_t s = p.rfind('/');
  return s == std::string::npos ? p : p.substr(s + 1);
}

}  // namespace

void Symbolizer::Resolve(const std::string& path,
                         const std::vector<uint64_t>& offsets) {
  std::vector<std::string> args = {"-f", "-C", "-e", path};
  for (uint64_t o : offsets) args.push_back(absl::StrFormat("0x%x", o));
  bp::ipstream out;
  std::error_code ec;
  bp::child c(bp::exe = "/usr/bin/addr2line", bp::args = args,
              bp::std_out > out, bp::std_err > bp::null, ec);
  std::string fn, loc;
  for (uint64_t o : offsets) {
    FrameResult f;
    f.module = Basename(path);
    if (!ec && std::getline(out, fn) && std::getline(out, loc)) {
      if (fn != "??") f.function = fn;
      size_t colon = loc.rfind(':');
      std::string file = loc.substr(0, colon);
      if (file != "??" && colon != std::string::npos) {
        if (!source_dir_.empty() && file.rfind(source_dir_ + "/", 0) == 0)
          file = file.substr(source_dir_.size() + 1);
        f.file = file;
        f.line = std::atoi(loc.c_str() + colon + 1);
      }
    }
    cache_[{path, o}] = f;
  }
  if (!ec) c.wait(ec);
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
