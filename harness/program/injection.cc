#include "harness/program/injection.h"

#include <elf.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "harness/errno_status.h"
#include "harness/unique_fd.h"

namespace faultlab::program {
namespace {

// A process chosen as a target that has not armed this long after it was
// found never will: the injector arms before main() and in its fork hook.
constexpr uint64_t kArmGraceNs = 100'000'000;

uint64_t Draw(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

bool ReadAt(int fd, void* buf, size_t n, uint64_t off) {
  return pread(fd, buf, n, off_t(off)) == ssize_t(n);
}

// The file offset of virtual address `va`, through the PT_LOAD segments.
std::optional<uint64_t> FileOffset(const std::vector<Elf64_Phdr>& ph,
                                   uint64_t va) {
  for (const Elf64_Phdr& p : ph)
    if (p.p_type == PT_LOAD && va >= p.p_vaddr && va < p.p_vaddr + p.p_filesz)
      return va - p.p_vaddr + p.p_offset;
  return std::nullopt;
}

// DT_NEEDED names of an ELF64 file, or nullopt if unreadable.
std::optional<std::vector<std::string>> Needed(
    int fd, const std::vector<Elf64_Phdr>& ph) {
  std::vector<std::string> out;
  for (const Elf64_Phdr& p : ph) {
    if (p.p_type != PT_DYNAMIC) continue;
    std::vector<Elf64_Dyn> dyn(p.p_filesz / sizeof(Elf64_Dyn));
    if (dyn.empty() ||
        !ReadAt(fd, dyn.data(), dyn.size() * sizeof(Elf64_Dyn), p.p_offset))
      return std::nullopt;
    uint64_t strtab = 0;
    std::vector<uint64_t> names;
    for (const Elf64_Dyn& d : dyn) {
      if (d.d_tag == DT_NULL) break;
      if (d.d_tag == DT_STRTAB) strtab = d.d_un.d_ptr;
      if (d.d_tag == DT_NEEDED) names.push_back(d.d_un.d_val);
    }
    std::optional<uint64_t> base = FileOffset(ph, strtab);
    if (!base) return std::nullopt;
    for (uint64_t n : names) {
      char buf[256] = {};
      if (pread(fd, buf, sizeof buf - 1, off_t(*base + n)) <= 0)
        return std::nullopt;
      out.push_back(buf);
    }
  }
  return out;
}

std::string ElfReason(int fd, const std::string& exe) {
  Elf64_Ehdr eh;
  if (!ReadAt(fd, &eh, sizeof eh, 0) ||
      memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 ||
      eh.e_ident[EI_CLASS] != ELFCLASS64 ||
      eh.e_phentsize != sizeof(Elf64_Phdr))
    return "";  // not a 64-bit ELF file: nothing to say up front
  std::vector<Elf64_Phdr> ph(eh.e_phnum);
  if (ph.empty() ||
      !ReadAt(fd, ph.data(), ph.size() * sizeof(Elf64_Phdr), eh.e_phoff))
    return "";
  if (std::none_of(ph.begin(), ph.end(),
                   [](const Elf64_Phdr& p) { return p.p_type == PT_INTERP; }))
    return absl::StrCat(exe,
                        " is a static binary (no PT_INTERP): no dynamic "
                        "loader runs, so LD_PRELOAD is never read");
  std::optional<std::vector<std::string>> needed = Needed(fd, ph);
  if (needed &&
      std::none_of(needed->begin(), needed->end(), [](const std::string& n) {
        return n.rfind("libc.so", 0) == 0;
      }))
    return absl::StrCat(
        exe, " does not link libc (DT_NEEDED: ", absl::StrJoin(*needed, ", "),
        "): the injector's wrappers would never be called");
  return "";
}

std::string Reason(const std::string& exe, int depth) {
  UniqueFd fd(open(exe.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  struct stat st;
  if (!fd || fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) return "";
  // ld.so's secure-execution mode (AT_SECURE) ignores a preload by path.
  if ((st.st_mode & S_ISUID) && st.st_uid != geteuid())
    return absl::StrCat(exe,
                        " is setuid: ld.so runs it in secure-execution "
                        "mode, which ignores LD_PRELOAD");
  if ((st.st_mode & S_ISGID) && st.st_gid != getegid())
    return absl::StrCat(exe,
                        " is setgid: ld.so runs it in secure-execution "
                        "mode, which ignores LD_PRELOAD");
  if (geteuid() != 0 &&
      fgetxattr(fd.get(), "security.capability", nullptr, 0) > 0)
    return absl::StrCat(exe,
                        " has file capabilities: ld.so runs it in "
                        "secure-execution mode, which ignores LD_PRELOAD");
  char head[256] = {};
  ssize_t n = pread(fd.get(), head, sizeof head - 1, 0);
  if (n > 2 && head[0] == '#' && head[1] == '!' && depth < 2) {
    std::string line(head + 2, strcspn(head + 2, "\n"));
    line.erase(0, line.find_first_not_of(" \t"));
    const std::string interp = line.substr(0, line.find_first_of(" \t"));
    return interp.empty() ? "" : Reason(interp, depth + 1);
  }
  return ElfReason(fd.get(), exe);
}

bool LibraryMapped(int pid, const std::string& library) {
  UniqueFd fd(
      open(absl::StrCat("/proc/", pid, "/maps").c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return false;
  std::string maps;
  char buf[8192];
  ssize_t n;
  while ((n = read(fd.get(), buf, sizeof buf)) > 0) maps.append(buf, n);
  return maps.find(library) != std::string::npos;
}

std::string ProcExe(int pid) {
  char buf[4096];
  ssize_t n =
      readlink(absl::StrCat("/proc/", pid, "/exe").c_str(), buf, sizeof buf);
  return n > 0 ? std::string(buf, size_t(n)) : "";
}

InjectCrash CrashOf(const CrashRecord& r) {
  InjectCrash c;
  c.signal = r.signal;
  c.si_code = r.si_code;
  c.sender_pid = r.sender_pid;
  c.tid = r.tid;
  c.address = r.address;
  c.t_ns = r.t_ns;
  c.thread.assign(r.thread, strnlen(r.thread, sizeof r.thread));
  for (uint32_t i = 0; i < std::min<uint32_t>(r.n_frames, kMaxFrames); ++i)
    c.frames.push_back(r.frames[i].ip);
  return c;
}

}  // namespace

std::string NotInjectableReason(const std::string& exe) {
  return Reason(exe, 0);
}

std::string ResolveExecutable(const std::string& argv0,
                              const std::string& path) {
  if (argv0.find('/') != std::string::npos) return argv0;
  for (absl::string_view dir : absl::StrSplit(path, ':')) {
    std::string p = absl::StrCat(dir.empty() ? "." : dir, "/", argv0);
    if (access(p.c_str(), X_OK) == 0) return p;
  }
  return "";
}

Injection::Injection(const RaisedFault& f, std::string library)
    : f_(f), library_(std::move(library)) {}

Injection::~Injection() {
  if (board_) munmap(board_, sizeof(inject::InjectBoard));
}

absl::StatusOr<std::unique_ptr<Injection>> Injection::Create(
    const RaisedFault& f, const std::string& dir, const std::string& library,
    const std::string& exe, uint64_t seed) {
  if (access(library.c_str(), R_OK) != 0)
    return ErrnoStatus("the injector library (build target faultlab-inject)",
                       library);
  std::unique_ptr<Injection> in(new Injection(f, library));
  in->path_ = dir + "/inject.board";
  in->seed_ = seed;
  in->precheck_ = exe.empty() ? "" : NotInjectableReason(exe);
  UniqueFd fd(
      open(in->path_.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (!fd) return ErrnoStatus("open", in->path_);
  if (ftruncate(fd.get(), sizeof(inject::InjectBoard)) != 0)
    return ErrnoStatus("ftruncate", in->path_);
  void* m = mmap(nullptr, sizeof(inject::InjectBoard), PROT_READ | PROT_WRITE,
                 MAP_SHARED, fd.get(), 0);
  if (m == MAP_FAILED) return ErrnoStatus("mmap", in->path_);
  in->board_ = static_cast<inject::InjectBoard*>(m);
  inject::InjectConfig& c = in->board_->config;
  c.action = f.action;
  c.call = f.call;
  c.after_calls = f.random_calls ? 1 + Draw(seed ^ 0x1a7ec7) % f.random_calls
                                 : f.after_calls;
  c.after_ms = f.after_ms;
  strncpy(c.thread_prefix, f.thread.c_str(), sizeof c.thread_prefix - 1);
  c.fork = f.fork;
  c.bytes = f.bytes;
  c.pattern = 0x41;
  in->board_->version = inject::kInjectVersion;
  std::atomic_thread_fence(std::memory_order_release);
  in->board_->magic = inject::kInjectMagic;
  return in;
}

void Injection::AddToEnv(std::vector<std::string>* env) const {
  std::string preload = library_;
  for (auto it = env->begin(); it != env->end();) {
    if (it->rfind("LD_PRELOAD=", 0) == 0) {
      const std::string old = it->substr(11);
      if (!old.empty()) preload += ":" + old;
      it = env->erase(it);
    } else if (it->rfind(absl::StrCat(inject::kInjectEnv, "="), 0) == 0) {
      it = env->erase(it);
    } else {
      ++it;
    }
  }
  env->push_back("LD_PRELOAD=" + preload);
  env->push_back(absl::StrCat(inject::kInjectEnv, "=", path_));
}

void Injection::SetReady(uint64_t ready_ns,
                         const std::vector<TrackedProcess>& procs) {
  ready_ns_ = ready_ns;
  int live = 0;
  for (const TrackedProcess& p : procs)
    if (p.role == f_.role && p.alive) ++live;
  random_index_ = live ? int(Draw(seed_ ^ 0x5eed) % uint64_t(live)) : 0;
  // Counting starts at ready: what a process called while starting up is
  // not its Nth call. Those alive now are chosen before the fault may fire,
  // so none of them passes its count unchosen.
  const uint32_t n = std::min<uint32_t>(board_->n_processes.load(),
                                        uint32_t(inject::kMaxInjectProcesses));
  for (uint32_t i = 0; i < n; ++i) board_->procs[i].calls.store(0);
  Update(procs, ready_ns);
  board_->ready_ns.store(ready_ns, std::memory_order_release);
}

int Injection::SlotOf(const TrackedProcess& p) const {
  const uint32_t n = std::min<uint32_t>(board_->n_processes.load(),
                                        uint32_t(inject::kMaxInjectProcesses));
  for (int i = int(n) - 1; i >= 0; --i) {
    const inject::InjectProcess& s = board_->procs[i];
    if (s.state.load(std::memory_order_acquire) == inject::kSlotArmed &&
        s.pid == p.pid && s.start_ticks == p.start_ticks)
      return i;
  }
  return -1;
}

void Injection::Update(const std::vector<TrackedProcess>& procs, uint64_t now) {
  if (!ready_ns_) return;
  int k = 0;
  for (const TrackedProcess& p : procs) {
    if (p.role != f_.role) continue;
    const int ordinal = k++;
    const bool chosen =
        f_.which == Which::kAll ||
        (f_.which == Which::kFirst && ordinal == 0) ||
        (f_.which == Which::kIndex && ordinal == int(f_.index)) ||
        (f_.which == Which::kRandom && ordinal == random_index_);
    const uint64_t key = (p.start_ticks << 22) ^ uint64_t(p.pid);
    if (!chosen || !p.alive ||
        std::find(chosen_.begin(), chosen_.end(), key) != chosen_.end())
      continue;
    const int slot = SlotOf(p);
    const std::string lib = library_.substr(library_.rfind('/') + 1);
    if (slot >= 0 && LibraryMapped(p.pid, lib)) {
      board_->procs[slot].target.store(1, std::memory_order_release);
      target_pids_.push_back(p.pid);
      chosen_.push_back(key);
      continue;
    }
    if (now < p.seen_ns + kArmGraceNs) continue;  // it may be arming now
    chosen_.push_back(key);
    if (!not_injectable_.empty()) continue;
    const std::string who =
        absl::StrCat("pid ", p.pid, " (", p.comm, ", role ", p.role, ")");
    if (slot >= 0) {
      not_injectable_ = absl::StrCat(
          who,
          " armed the injector, then exec'd without it: its environment lost "
          "LD_PRELOAD (a parent that scrubs the environment?)");
    } else {
      std::string why = NotInjectableReason(ProcExe(p.pid));
      if (why.empty()) why = precheck_;
      not_injectable_ = absl::StrCat(
          who, " never armed the injector (no handshake): ",
          why.empty() ? "LD_PRELOAD did not reach it (a parent that scrubs "
                        "the environment?)"
                      : why);
    }
  }
}

bool Injection::Fired(uint64_t* t_ns, int* pid) const {
  if (board_->raised.present.load(std::memory_order_acquire) != 1) return false;
  *t_ns = board_->raised.t_ns;
  const int slot = board_->fired_slot;
  *pid = slot >= 0 && slot < inject::kMaxInjectProcesses
             ? board_->procs[slot].pid
             : 0;
  return true;
}

InjectObservation Injection::Observe() const {
  InjectObservation o;
  const inject::InjectBoard& b = *board_;
  o.library = library_;
  o.precheck = precheck_;
  o.after_calls = b.config.after_calls;
  o.target_pids = target_pids_;
  o.injectable = !target_pids_.empty();
  o.not_injectable = not_injectable_;
  const uint32_t n = std::min<uint32_t>(b.n_processes.load(),
                                        uint32_t(inject::kMaxInjectProcesses));
  std::vector<int> index(n, -1);
  for (uint32_t i = 0; i < n; ++i) {
    const inject::InjectProcess& s = b.procs[i];
    if (s.state.load(std::memory_order_acquire) != inject::kSlotArmed) continue;
    InjectProcessRecord r;
    r.pid = s.pid;
    r.start_ticks = s.start_ticks;
    r.armed_ns = s.armed_ns;
    r.calls = s.calls.load();
    r.forked = s.forked != 0;
    r.target = s.target.load() == 1;
    r.program_handlers = s.program_handlers;
    r.program_ran = s.program_ran.load();
    r.exe.assign(s.exe, strnlen(s.exe, sizeof s.exe));
    r.modules.assign(s.modules,
                     s.modules + std::min<uint32_t>(s.n_modules, kMaxModules));
    if (s.crash.present.load(std::memory_order_acquire) == 1)
      r.crash = CrashOf(s.crash);
    index[i] = int(o.processes.size());
    o.processes.push_back(std::move(r));
  }
  if (b.raised.present.load(std::memory_order_acquire) == 1) {
    o.fired = true;
    o.fired_process = b.fired_slot >= 0 && uint32_t(b.fired_slot) < n
                          ? index[b.fired_slot]
                          : -1;
    o.fired_count = b.fired_count;
    o.fired_call = inject::Call(b.fired_call);
    o.fault_address = b.fault_address;
    o.program_handler = b.program_handler != 0;
    o.raised = CrashOf(b.raised);
  } else if (!o.injectable && !not_injectable_.empty()) {
    o.note = absl::StrCat("not injectable: ", not_injectable_);
  } else if (!o.injectable) {
    o.note = absl::StrCat("no process of role '", f_.role,
                          "' was there to be chosen",
                          precheck_.empty() ? "" : "; also: ", precheck_);
  } else {
    std::vector<std::string> counts;
    for (const InjectProcessRecord& r : o.processes)
      if (r.target)
        counts.push_back(absl::StrCat("pid ", r.pid, " counted ", r.calls));
    o.note = absl::StrCat(
        "the trigger was not reached: ", absl::StrJoin(counts, "; "), " ",
        inject::CallName(f_.call), " calls",
        f_.thread.empty() ? ""
                          : absl::StrCat(" by threads named ", f_.thread, "*"),
        o.after_calls ? absl::StrCat(", needed ", o.after_calls) : "",
        f_.after_ms ? absl::StrCat(", not before ", f_.after_ms, " ms") : "");
  }
  return o;
}

}  // namespace faultlab::program
