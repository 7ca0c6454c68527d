#include "harness/symbolizer.h"

#include <gtest/gtest.h>
#include <link.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>

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

TEST(SymbolizerTest, HungAddr2lineIsKilledAndFramesStayUnresolved) {
  char dir[] = "/tmp/faultlab-symbolizer-test-XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  const std::string tool = std::string(dir) + "/addr2line";
  const std::string pid_file = std::string(dir) + "/pid";
  {
    std::ofstream script(tool);
    script << "#!/bin/sh\necho $$ > " << pid_file << "\nexec sleep 60\n";
  }
  ASSERT_EQ(chmod(tool.c_str(), 0755), 0);

  Fixture f;
  Symbolizer sym({.source_dir = FAULTLAB_SOURCE_DIR,
                  .main_exe = SelfExe(),
                  .addr2line = tool,
                  .timeout = std::chrono::milliseconds(200)});
  auto start = std::chrono::steady_clock::now();
  std::vector<FrameResult> frames = sym.Symbolize(*f.rec, *f.slot);
  // Not a timing test: the tool sleeps 60 s, so anything far below that
  // means it was not waited for.
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(30));
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].function, "");
  EXPECT_EQ(frames[0].line, 0);
  EXPECT_FALSE(frames[0].module.empty());  // still says where it was

  // The stuck tool was killed and reaped, not left behind.
  int pid = 0;
  std::ifstream(pid_file) >> pid;
  ASSERT_GT(pid, 0);
  EXPECT_EQ(kill(pid, 0), -1);
  EXPECT_EQ(errno, ESRCH);
  unlink(tool.c_str());
  unlink(pid_file.c_str());
  rmdir(dir);
}

TEST(SymbolizerTest, MissingToolLeavesFramesUnresolved) {
  Fixture f;
  Symbolizer sym({.source_dir = "",
                  .main_exe = SelfExe(),
                  .addr2line = "/nonexistent/tool"});
  std::vector<FrameResult> frames = sym.Symbolize(*f.rec, *f.slot);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].function, "");
}

}  // namespace
}  // namespace faultlab
