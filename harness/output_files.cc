// Why O_TMPFILE: a named temporary ("x.json.tmp.PID") outlives a SIGKILL of
// faultlab between its creation and the rename. An unnamed file vanishes
// with the process; it gets a name (linkat through /proc/self/fd) only for
// the instant before the rename. Filesystems without O_TMPFILE fall back to
// a named temporary.
#include "harness/output_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>

#include "absl/strings/str_cat.h"

namespace faultlab {
namespace {

std::string DirOf(const std::string& path) {
  std::filesystem::path p(path);
  std::string dir = p.parent_path().string();
  return dir.empty() ? "." : dir;
}

const char* KindOf(mode_t m) {
  if (S_ISDIR(m)) return "a directory";
  if (S_ISCHR(m)) return "a character device";
  if (S_ISBLK(m)) return "a block device";
  if (S_ISFIFO(m)) return "a FIFO";
  if (S_ISSOCK(m)) return "a socket";
  return "not a regular file";
}

// Follows symlinks (also one that names a file not there yet) and '..', so
// a link is written through and two names of one file are seen to be one.
std::string Resolve(const std::string& path) {
  namespace fs = std::filesystem;
  fs::path p(path);
  std::error_code ec;
  for (int hops = 0; hops < 40 && fs::is_symlink(p, ec); ++hops) {
    fs::path target = fs::read_symlink(p, ec);
    if (ec) break;
    p = target.is_absolute() ? target : p.parent_path() / target;
  }
  fs::path real = fs::weakly_canonical(p, ec);
  return ec || real.empty() ? p.string() : real.string();
}

bool WriteAll(int fd, const std::string& s) {
  size_t done = 0;
  while (done < s.size()) {
    ssize_t n = write(fd, s.data() + done, s.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += size_t(n);
  }
  return true;
}

bool Report(const std::string& path, int err) {
  std::cerr << "faultlab: cannot write " << path << ": " << strerror(err)
            << "\n";
  return false;
}

}  // namespace

absl::StatusOr<std::vector<std::string>> PrepareOutputs(
    const std::vector<std::pair<std::string, std::string>>& outputs) {
  std::vector<std::string> resolved;
  for (size_t i = 0; i < outputs.size(); ++i) {
    const auto& [option, path] = outputs[i];
    if (path.empty()) {
      resolved.emplace_back();
      continue;
    }
    const std::string real = Resolve(path);
    struct stat st {};
    if (stat(real.c_str(), &st) == 0 && !S_ISREG(st.st_mode))
      return absl::InvalidArgumentError(
          absl::StrCat(option, " ", path, ": is ", KindOf(st.st_mode),
                       "; give the path of a regular file"));
    const std::string dir = DirOf(real);
    int probe = open(dir.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0644);
    if (probe >= 0) {
      close(probe);
    } else if (access(dir.c_str(), W_OK) != 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          option, " ", path, ": cannot write in ", dir, ": ", strerror(errno)));
    }
    for (size_t k = 0; k < resolved.size(); ++k)
      if (resolved[k] == real)
        return absl::InvalidArgumentError(absl::StrCat(
            outputs[k].first, " and ", option, " name the same file, ", path,
            "; one would overwrite the other"));
    resolved.push_back(real);
  }
  return resolved;
}

bool WriteFileAtomic(const std::string& path, const std::string& content) {
  const std::string dir = DirOf(path);
  const std::string tmp = absl::StrCat(path, ".tmp.", getpid());
  int fd = open(dir.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0644);
  const bool unnamed = fd >= 0;
  if (!unnamed)
    fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Report(path, errno);
  if (!WriteAll(fd, content)) {
    const int err = errno;
    close(fd);
    if (!unnamed) unlink(tmp.c_str());
    return Report(path, err);
  }
  if (unnamed) {
    // O_TMPFILE files are created 0600 by some kernels' umask handling.
    fchmod(
        fd, 0644 & ~[] {
          mode_t m = umask(0);
          umask(m);
          return m;
        }());
    unlink(tmp.c_str());  // a leftover of an older run
    const std::string self = absl::StrCat("/proc/self/fd/", fd);
    if (linkat(AT_FDCWD, self.c_str(), AT_FDCWD, tmp.c_str(),
               AT_SYMLINK_FOLLOW) != 0) {
      const int err = errno;
      close(fd);
      return Report(path, err);
    }
  }
  close(fd);
  if (rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    unlink(tmp.c_str());
    return Report(path, err);
  }
  return true;
}

}  // namespace faultlab
