#include "harness/program/trial_files.h"

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "harness/errno_status.h"
#include "harness/unique_fd.h"

namespace faultlab::program {
namespace {

absl::Status ReadSmall(const std::string& path, std::string* out) {
  UniqueFd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return ErrnoStatus("open", path);
  char buf[8192];
  for (;;) {
    ssize_t n = RetryEintr([&] { return read(fd.get(), buf, sizeof buf); });
    if (n < 0) return ErrnoStatus("read", path);
    if (n == 0) return absl::OkStatus();
    out->append(buf, size_t(n));
    if (out->size() > kMaxTemplateBytes)
      return absl::InvalidArgumentError(absl::StrCat(
          "template '", path, "' is over ", kMaxTemplateBytes, " bytes"));
  }
}

absl::Status WriteAll(const std::string& path, const std::string& text) {
  UniqueFd fd(
      open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (!fd) return ErrnoStatus("open", path);
  for (size_t done = 0; done < text.size();) {
    ssize_t n = RetryEintr([&] {
      return write(fd.get(), text.data() + done, text.size() - done);
    });
    if (n < 0) return ErrnoStatus("write", path);
    done += size_t(n);
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status WriteTrialFiles(const std::vector<TrialFile>& files,
                             const TrialVars& vars) {
  for (const TrialFile& f : files) {
    std::string text;
    const std::string from = ExpandVars(f.source, vars);
    if (absl::Status st = ReadSmall(from, &text); !st.ok()) return st;
    const std::filesystem::path to = std::filesystem::path(vars.tmp) / f.name;
    std::error_code ec;
    std::filesystem::create_directories(to.parent_path(), ec);
    if (ec)
      return absl::InternalError(absl::StrCat(
          "cannot create ", to.parent_path().string(), ": ", ec.message()));
    if (absl::Status st = WriteAll(to.string(), ExpandVars(text, vars));
        !st.ok())
      return st;
  }
  return absl::OkStatus();
}

}  // namespace faultlab::program
