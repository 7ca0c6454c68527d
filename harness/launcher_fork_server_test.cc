// The fork-server launcher against the real faultlab-worker.
#include <dirent.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>

#include "harness/launcher.h"
#include "harness/unique_fd.h"

namespace faultlab {
namespace {

class RecordingLauncher : public Launcher {
 public:
  explicit RecordingLauncher(std::vector<std::string>* seen) : seen_(seen) {}
  absl::StatusOr<pid_t> Spawn(const SpawnRequest& req) override {
    seen_->push_back(req.exe);
    absl::StatusOr<pid_t> pid = real_->Spawn(req);
    if (pid.ok()) last_pid_ = *pid;
    return pid;
  }
  pid_t last_pid() const { return last_pid_; }

 private:
  std::vector<std::string>* seen_;
  std::unique_ptr<Launcher> real_ = NewBoostLauncher();
  pid_t last_pid_ = -1;
};

// What descriptor `fd` of `pid` is, from /proc.
std::string Link(pid_t pid, int fd) {
  char buf[256];
  const std::string path =
      "/proc/" + std::to_string(pid) + "/fd/" + std::to_string(fd);
  ssize_t n = readlink(path.c_str(), buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, size_t(n)) : "?";
}

// The descriptors `pid` holds, from /proc.
std::vector<int> OpenDescriptors(pid_t pid) {
  std::vector<int> out;
  const std::string dir = "/proc/" + std::to_string(pid) + "/fd";
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d))
      if (e->d_name[0] != '.') out.push_back(atoi(e->d_name));
    closedir(d);
  }
  return out;
}

std::string ReadAll(int fd) {
  std::string out;
  char buf[512];
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0) out.append(buf, size_t(n));
  return out;
}

// Subjects by one clone (CLONE_PARENT), and by the double fork kept for
// kernels without it (FAULTLAB_DOUBLE_FORK=1, read by the server at start).
class ForkServerModeTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    if (GetParam()) setenv("FAULTLAB_DOUBLE_FORK", "1", 1);
  }
  void TearDown() override { unsetenv("FAULTLAB_DOUBLE_FORK"); }
};

INSTANTIATE_TEST_SUITE_P(Modes, ForkServerModeTest, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& info) {
                           return info.param ? "DoubleFork" : "OneClone";
                         });

// A subject with no scoreboard at descriptor 3 says so on its stderr and
// exits 2: enough to see whose child it is, its group and its descriptors.
TEST_P(ForkServerModeTest, SubjectIsOurChildInItsOwnGroupWithItsDescriptors) {
  std::vector<std::string> seen;
  absl::StatusOr<std::unique_ptr<Launcher>> launcher = StartForkServer(
      FAULTLAB_WORKER_EXE, std::make_unique<RecordingLauncher>(&seen));
  ASSERT_TRUE(launcher.ok()) << launcher.status();
  ASSERT_EQ(seen.size(), 1u);  // the server itself, by exec
  for (int round = 0; round < 20; ++round) {
    int err[2];
    ASSERT_EQ(pipe2(err, O_CLOEXEC), 0);
    UniqueFd read_end(err[0]);
    SpawnRequest req;
    req.exe = FAULTLAB_WORKER_EXE;
    req.args = {"0"};
    req.stderr_fd = err[1];
    absl::StatusOr<pid_t> pid = (*launcher)->Spawn(req);
    close(err[1]);
    ASSERT_TRUE(pid.ok()) << pid.status();
    EXPECT_EQ(getpgid(*pid), *pid);  // leads a new group, as asked
    // Only the subject holds the write end: EOF once it is gone.
    EXPECT_NE(ReadAll(read_end.get()).find("cannot map the scoreboard"),
              std::string::npos);
    int status = 0;
    ASSERT_EQ(waitpid(*pid, &status, 0), *pid);  // our child, not the server's
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 2);
  }
  EXPECT_EQ(seen.size(), 1u);  // no subject went through exec
}

// A subject's targets (3..159) are free in the server once it serves: what
// its set-up opened and keeps (libunwind's memory-validation pipe) must not
// sit where a subject's dup2()s put the scoreboard and the crash eventfd.
TEST_P(ForkServerModeTest, TheServerHoldsNothingWhereSubjectsPutTheirs) {
  std::vector<std::string> seen;
  auto recording = std::make_unique<RecordingLauncher>(&seen);
  RecordingLauncher* rec = recording.get();
  absl::StatusOr<std::unique_ptr<Launcher>> launcher =
      StartForkServer(FAULTLAB_WORKER_EXE, std::move(recording));
  ASSERT_TRUE(launcher.ok()) << launcher.status();
  const pid_t server = rec->last_pid();
  ASSERT_GT(server, 0);
  // One subject served: the server's set-up is over.
  SpawnRequest req;
  req.exe = FAULTLAB_WORKER_EXE;
  req.args = {"0"};
  absl::StatusOr<pid_t> pid = (*launcher)->Spawn(req);
  ASSERT_TRUE(pid.ok()) << pid.status();
  int status = 0;
  ASSERT_EQ(waitpid(*pid, &status, 0), *pid);
  const std::vector<int> held = OpenDescriptors(server);
  ASSERT_FALSE(held.empty());
  for (int fd : held)
    EXPECT_TRUE(fd < 3 || fd >= kReservedFds)
        << "the server holds " << fd << ": " << Link(server, fd);
}

// One trial's subjects in one batch: every one our child, the first leading
// a new group and the others in it, each with its own descriptors.
TEST_P(ForkServerModeTest, SpawnAllPutsATrialsSubjectsInTheFirstOnesGroup) {
  absl::StatusOr<std::unique_ptr<Launcher>> launcher =
      StartForkServer(FAULTLAB_WORKER_EXE, NewBoostLauncher());
  ASSERT_TRUE(launcher.ok()) << launcher.status();
  for (int round = 0; round < 3; ++round) {
    std::vector<SpawnRequest> reqs;
    std::vector<UniqueFd> read_ends;
    std::vector<int> write_ends;
    for (int i = 0; i < 20; ++i) {  // more than one batch of requests
      int err[2];
      ASSERT_EQ(pipe2(err, O_CLOEXEC), 0);
      read_ends.emplace_back(err[0]);
      write_ends.push_back(err[1]);
      SpawnRequest& req = reqs.emplace_back();
      req.exe = FAULTLAB_WORKER_EXE;
      req.args = {"0"};
      req.stderr_fd = err[1];
    }
    absl::StatusOr<std::vector<pid_t>> pids = (*launcher)->SpawnAll(reqs);
    for (int fd : write_ends) close(fd);
    ASSERT_TRUE(pids.ok()) << pids.status();
    ASSERT_EQ(pids->size(), reqs.size());
    const pid_t leader = (*pids)[0];
    for (size_t i = 0; i < pids->size(); ++i) {
      EXPECT_EQ(getpgid((*pids)[i]), leader) << i;
      EXPECT_NE(ReadAll(read_ends[i].get()).find("cannot map the scoreboard"),
                std::string::npos)
          << i;
      int status = 0;
      ASSERT_EQ(waitpid((*pids)[i], &status, 0), (*pids)[i]);
      EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 2) << i;
    }
  }
}

// A request the server refuses (a descriptor number beyond a subject's
// range) fails the whole batch: the subjects started before it are killed
// and reaped, so nothing is left but the server, and the next batch gets
// its own replies.
TEST(ForkServerTest, SpawnAllLeavesNothingWhenTheServerRefusesOne) {
  absl::StatusOr<std::unique_ptr<Launcher>> launcher =
      StartForkServer(FAULTLAB_WORKER_EXE, NewBoostLauncher());
  ASSERT_TRUE(launcher.ok()) << launcher.status();
  std::vector<SpawnRequest> reqs(3);
  for (SpawnRequest& req : reqs) {
    req.exe = FAULTLAB_WORKER_EXE;
    req.args = {"0"};
  }
  UniqueFd devnull(open("/dev/null", O_RDONLY | O_CLOEXEC));
  reqs[2].fds = {{devnull.get(), 500}};
  absl::StatusOr<std::vector<pid_t>> pids = (*launcher)->SpawnAll(reqs);
  EXPECT_FALSE(pids.ok());
  reqs.resize(1);
  absl::StatusOr<std::vector<pid_t>> next = (*launcher)->SpawnAll(reqs);
  ASSERT_TRUE(next.ok()) << next.status();
  ASSERT_EQ(waitpid((*next)[0], nullptr, 0), (*next)[0]);
  launcher->reset();  // the server exits and is reaped
  EXPECT_EQ(waitpid(-1, nullptr, WNOHANG), -1);
  EXPECT_EQ(errno, ECHILD);
}

TEST(ForkServerTest, OtherExecutablesGoToTheFallback) {
  std::vector<std::string> seen;
  absl::StatusOr<std::unique_ptr<Launcher>> launcher = StartForkServer(
      FAULTLAB_WORKER_EXE, std::make_unique<RecordingLauncher>(&seen));
  ASSERT_TRUE(launcher.ok()) << launcher.status();
  SpawnRequest req;
  req.exe = "/bin/true";
  absl::StatusOr<pid_t> pid = (*launcher)->Spawn(req);
  ASSERT_TRUE(pid.ok()) << pid.status();
  int status = 0;
  ASSERT_EQ(waitpid(*pid, &status, 0), *pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[1], "/bin/true");
}

// The server ends with its launcher: nothing is left to reap afterwards.
TEST(ForkServerTest, ServerIsReapedWithItsLauncher) {
  {
    absl::StatusOr<std::unique_ptr<Launcher>> launcher =
        StartForkServer(FAULTLAB_WORKER_EXE, NewBoostLauncher());
    ASSERT_TRUE(launcher.ok()) << launcher.status();
  }
  EXPECT_EQ(waitpid(-1, nullptr, WNOHANG), -1);
  EXPECT_EQ(errno, ECHILD);
}

}  // namespace
}  // namespace faultlab
