#include "harness/symbolizer.h"

#include <dlfcn.h>
#include <gtest/gtest.h>
#include <link.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <memory>
#include <string>
#include <thread>

namespace faultlab {
namespace {

[[gnu::noinline]] int SymbolizerTestMarker(int x) {
  asm volatile("" ::: "memory");
  return x + 1;
}

// The test binary's own module, recorded the way a worker records it.
int RecordMain(dl_phdr_info* info, size_t, void* data) {
  if (info->dlpi_name && info->dlpi_name[0]) return 0;  // a library
  auto* m = static_cast<Module*>(data);
  uint64_t lo = ~0ull, hi = 0;
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const auto& ph = info->dlpi_phdr[i];
    if (ph.p_type != PT_LOAD) continue;
    lo = std::min<uint64_t>(lo, info->dlpi_addr + ph.p_vaddr);
    hi = std::max<uint64_t>(hi, info->dlpi_addr + ph.p_vaddr + ph.p_memsz);
  }
  m->base = info->dlpi_addr;
  m->start = lo;
  m->end = hi;
  m->path[0] = '\0';  // nameless: the main executable
  return 1;
}

struct Fixture {
  std::unique_ptr<CrashRecord> rec = std::make_unique<CrashRecord>();
  std::unique_ptr<WorkerSlot> slot = std::make_unique<WorkerSlot>();
  Fixture() {
    std::memset(static_cast<void*>(rec.get()), 0, sizeof *rec);
    std::memset(static_cast<void*>(slot.get()), 0, sizeof *slot);
    dl_iterate_phdr(RecordMain, &slot->modules[0]);
    slot->n_modules = 1;
    rec->n_frames = 1;  // frame 0 is looked up as is
    rec->frames[0].ip = reinterpret_cast<uint64_t>(&SymbolizerTestMarker);
  }
};

std::string Basename(const std::string& p) {
  return p.substr(p.rfind('/') + 1);
}

std::string SelfExe() {
  char buf[4096];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, size_t(n)) : "";
}

TEST(SymbolizerTest, NamelessModuleIsTheWorkerExecutable) {
  Fixture f;
  Symbolizer sym({.source_dir = FAULTLAB_SOURCE_DIR, .main_exe = SelfExe()});
  std::vector<FrameResult> frames = sym.Symbolize(*f.rec, *f.slot);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_NE(frames[0].function.find("SymbolizerTestMarker"), std::string::npos)
      << frames[0].function;
  EXPECT_EQ(frames[0].file, "harness/symbolizer_test.cc");
  EXPECT_GT(frames[0].line, 0);
  EXPECT_EQ(frames[0].address, f.rec->frames[0].ip);
}

// An address inside code the compiler inlined: the inlined function comes
// first, then its caller at the call's line, both at the same address.
[[gnu::always_inline]] inline uint64_t InlinedMarkerPc() {
  uint64_t pc;
  asm volatile("1: lea 1b(%%rip), %0" : "=r"(pc));  // this very instruction
  return pc;
}

[[gnu::noinline]] uint64_t OuterMarker() {
  asm volatile("" ::: "memory");
  return InlinedMarkerPc();  // the call site the caller frame names
}

constexpr int kOuterMarkerCallLine = __LINE__ - 3;

TEST(SymbolizerTest, InlinedFramesComeBeforeTheirCaller) {
  Fixture f;
  f.rec->frames[0].ip = OuterMarker();
  Symbolizer sym({.source_dir = FAULTLAB_SOURCE_DIR, .main_exe = SelfExe()});
  std::vector<FrameResult> frames = sym.Symbolize(*f.rec, *f.slot);
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_NE(frames[0].function.find("InlinedMarkerPc"), std::string::npos)
      << frames[0].function;
  EXPECT_TRUE(frames[0].inlined);
  EXPECT_EQ(frames[0].file, "harness/symbolizer_test.cc");
  EXPECT_NE(frames[1].function.find("OuterMarker"), std::string::npos)
      << frames[1].function;
  EXPECT_FALSE(frames[1].inlined);
  EXPECT_EQ(frames[1].file, "harness/symbolizer_test.cc");
  EXPECT_EQ(frames[1].line, kOuterMarkerCallLine);
  EXPECT_EQ(frames[0].address, frames[1].address);
}

TEST(SymbolizerTest, LibcFrameIsNamedThroughItsDebugInfo) {
  // abort() in libc, recorded the way a worker records a library.
  Fixture f;
  Dl_info info;
  ASSERT_NE(dladdr(reinterpret_cast<void*>(&abort), &info), 0);
  Module& libc = f.slot->modules[1];
  f.slot->n_modules = 2;
  libc.base = reinterpret_cast<uint64_t>(info.dli_fbase);
  libc.start = libc.base;
  libc.end = libc.base + (1ull << 30);
  snprintf(libc.path, sizeof libc.path, "%s", info.dli_fname);
  f.rec->frames[0].ip = reinterpret_cast<uint64_t>(&abort);
  Symbolizer sym({.source_dir = "", .main_exe = SelfExe()});
  std::vector<FrameResult> frames = sym.Symbolize(*f.rec, *f.slot);
  ASSERT_FALSE(frames.empty());
  EXPECT_NE(frames.back().function.find("abort"), std::string::npos)
      << frames.back().function;
  EXPECT_EQ(frames.back().module, Basename(info.dli_fname));
  EXPECT_EQ(frames.back().file, "");  // its DWARF was not asked for
}

TEST(SymbolizerTest, LibcFileAndLineWhenSeparateDwarfIsAsked) {
  Fixture f;
  Dl_info info;
  ASSERT_NE(dladdr(reinterpret_cast<void*>(&abort), &info), 0);
  if (access("/usr/lib/debug/.build-id", F_OK) != 0)
    GTEST_SKIP() << "no separate debug files (setup.sh installs libc6-dbg)";
  Module& libc = f.slot->modules[1];
  f.slot->n_modules = 2;
  libc.base = reinterpret_cast<uint64_t>(info.dli_fbase);
  libc.start = libc.base;
  libc.end = libc.base + (1ull << 30);
  snprintf(libc.path, sizeof libc.path, "%s", info.dli_fname);
  f.rec->frames[0].ip = reinterpret_cast<uint64_t>(&abort);
  Symbolizer sym(
      {.source_dir = "", .main_exe = SelfExe(), .separate_debug_dwarf = true});
  std::vector<FrameResult> frames = sym.Symbolize(*f.rec, *f.slot);
  ASSERT_FALSE(frames.empty());
  EXPECT_NE(frames.back().file.find("abort.c"), std::string::npos)
      << frames.back().file;
  EXPECT_GT(frames.back().line, 0);
}

TEST(SymbolizerTest, ModuleNamingAFifoIsNotOpenedAndKeepsItsName) {
  // A scribbled scoreboard may name anything; a FIFO would block open().
  char dir[] = "/tmp/faultlab-symbolizer-test-XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  const std::string fifo = std::string(dir) + "/module";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  Fixture f;
  snprintf(f.slot->modules[0].path, sizeof f.slot->modules[0].path, "%s",
           fifo.c_str());
  Symbolizer sym({.source_dir = "", .main_exe = SelfExe()});
  std::vector<FrameResult> frames = sym.Symbolize(*f.rec, *f.slot);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].function, "");
  EXPECT_EQ(frames[0].line, 0);
  EXPECT_EQ(frames[0].module, "module");  // still says where it was
  unlink(fifo.c_str());
  rmdir(dir);
}

TEST(SymbolizerTest, MissingObjectLeavesFramesUnresolved) {
  Fixture f;
  Symbolizer sym({.source_dir = "", .main_exe = "/nonexistent/worker"});
  std::vector<FrameResult> frames = sym.Symbolize(*f.rec, *f.slot);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].function, "");
  EXPECT_EQ(frames[0].module, "worker");
}

TEST(SymbolizerTest, SharedByParallelCallers) {
  Fixture f;
  Symbolizer sym({.source_dir = FAULTLAB_SOURCE_DIR, .main_exe = SelfExe()});
  std::vector<std::thread> threads;
  std::atomic<int> named{0};
  for (int i = 0; i < 4; ++i)
    threads.emplace_back([&] {
      for (int k = 0; k < 20; ++k) {
        std::vector<FrameResult> fr = sym.Symbolize(*f.rec, *f.slot);
        if (fr.size() == 1 &&
            fr[0].function.find("SymbolizerTestMarker") != std::string::npos)
          ++named;
      }
    });
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(named.load(), 80);
}

}  // namespace
}  // namespace faultlab
