// The crash handler in a forked child of the test, against a scoreboard in
// shared memory: what it records for a fault in code with unwind tables,
// and for a call to address 0, where there is no table to walk from.
#include "workers/crash_handler.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>

namespace faultlab {
namespace {

volatile int* volatile g_null = nullptr;
using Fn = void (*)();
volatile Fn g_null_fn = nullptr;

[[gnu::noinline]] void WriteNull() {
  *g_null = 1;
  asm volatile("" ::: "memory");  // not a tail position
}

[[gnu::noinline]] void CallNull() {
  g_null_fn();
  asm volatile("" ::: "memory");
}

// Far from anything mapped (user space ends at 0x7fffffffffff).
volatile Fn g_wild_fn = reinterpret_cast<Fn>(0x00007ead0badc0deull);

[[gnu::noinline]] void CallWild() {
  g_wild_fn();
  asm volatile("" ::: "memory");
}

bool Within(uint64_t ip, void (*fn)()) {
  const auto start = reinterpret_cast<uint64_t>(fn);
  return ip >= start && ip < start + 256;
}

// Runs `crash` in a child with the handlers installed; the record it left.
const CrashRecord& CrashIn(void (*crash)(), Scoreboard** sb) {
  void* mem = mmap(nullptr, sizeof(Scoreboard), PROT_READ | PROT_WRITE,
                   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  EXPECT_NE(mem, MAP_FAILED);
  *sb = static_cast<Scoreboard*>(mem);
  pid_t pid = fork();
  if (pid == 0) {
    // The crash notice goes to descriptor 4: here, nowhere.
    dup2(open("/dev/null", O_WRONLY), kCrashNotifyFd);
    InstallCrashHandlers(*sb, 0);
    InstallThreadAltStack(0);
    crash();
    _exit(0);
  }
  int status = 0;
  EXPECT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV) << status;
  return (*sb)->workers[0].crash;
}

TEST(CrashHandlerTest, WalksFromTheFaultingInstruction) {
  Scoreboard* sb = nullptr;
  const CrashRecord& rec = CrashIn(WriteNull, &sb);
  ASSERT_EQ(rec.present.load(), 1u);
  EXPECT_EQ(rec.signal, SIGSEGV);
  EXPECT_EQ(rec.address, 0u);
  ASSERT_GE(rec.n_frames, 3u);  // WriteNull, CrashIn, the test, ...
  EXPECT_TRUE(Within(rec.frames[0].ip, WriteNull))
      << std::hex << rec.frames[0].ip;
  munmap(sb, sizeof(Scoreboard));
}

TEST(CrashHandlerTest, ACallToAddressZeroKeepsItsCaller) {
  Scoreboard* sb = nullptr;
  const CrashRecord& rec = CrashIn(CallNull, &sb);
  ASSERT_EQ(rec.present.load(), 1u);
  // Nothing to unwind from at address 0: the return address on top of the
  // stack names the caller.
  ASSERT_GE(rec.n_frames, 1u);
  EXPECT_TRUE(Within(rec.frames[0].ip, CallNull))
      << std::hex << rec.frames[0].ip;
  munmap(sb, sizeof(Scoreboard));
}

// A call through a wild pointer: the pc is mapped nowhere, so the handler
// must not read there (libgcc would, looking for a signal trampoline) and
// still records the caller.
TEST(CrashHandlerTest, ACallToAWildAddressKeepsItsCaller) {
  Scoreboard* sb = nullptr;
  const CrashRecord& rec = CrashIn(CallWild, &sb);
  ASSERT_EQ(rec.present.load(), 1u);
  ASSERT_GE(rec.n_frames, 2u);
  EXPECT_EQ(rec.frames[0].ip, reinterpret_cast<uint64_t>(g_wild_fn));
  EXPECT_TRUE(Within(rec.frames[1].ip, CallWild))
      << std::hex << rec.frames[1].ip;
  munmap(sb, sizeof(Scoreboard));
}

}  // namespace
}  // namespace faultlab
