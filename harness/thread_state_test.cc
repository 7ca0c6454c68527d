#include "harness/thread_state.h"

#include <gtest/gtest.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <thread>

namespace faultlab {
namespace {

int Tid() { return int(syscall(SYS_gettid)); }

TEST(ThreadStateTest, ASpinningThreadIsRunnableAndABlockedOneIsNot) {
  std::atomic<bool> stop{false};
  std::atomic<int> spinner{0}, reader{0};
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  std::thread spin([&] {
    spinner = Tid();
    while (!stop.load()) {
    }
  });
  std::thread block([&] {
    reader = Tid();
    char c;
    (void)!read(fds[0], &c, 1);
  });
  while (spinner.load() == 0 || reader.load() == 0) std::this_thread::yield();
  // The reader is asleep in read() once it gets there; wait for that.
  for (int i = 0; i < 10000 && ThreadRunnable(getpid(), reader.load()); ++i)
    usleep(100);
  EXPECT_TRUE(ThreadRunnable(getpid(), spinner.load()));
  EXPECT_FALSE(ThreadRunnable(getpid(), reader.load()));
  ASSERT_EQ(write(fds[1], "x", 1), 1);
  stop = true;
  spin.join();
  block.join();
  close(fds[0]);
  close(fds[1]);
  EXPECT_FALSE(ThreadRunnable(getpid(), reader.load()));  // gone
  EXPECT_FALSE(ThreadRunnable(0, 0));
}

}  // namespace
}  // namespace faultlab
