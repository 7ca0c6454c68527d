#include "harness/program_worker.h"

#include <gtest/gtest.h>
#include <signal.h>

#include <memory>

namespace faultlab {
namespace {

// producer -> tr (a program worker) -> sink, over two pipes; tr may take a
// signal fault.
class ProgramWorkerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    s_.workers.resize(3);
    s_.workers[0].name = "producer[0]";
    s_.workers[0].role = Role::kProducer;
    s_.workers[1].name = "tr[0]";
    s_.workers[1].role = Role::kRelay;
    s_.workers[1].command = {"tr", "a-z", "A-Z"};
    s_.workers[1].command_path = "/usr/bin/tr";
    s_.workers[2].name = "sink[0]";
    s_.workers[2].role = Role::kSink;
    s_.channels.resize(2);
    s_.channels[0].kind = s_.channels[1].kind = ChannelKind::kPipe;
    s_.channels[0].from = 0, s_.channels[0].to = 1;
    s_.channels[1].from = 1, s_.channels[1].to = 2;
    sb_ = std::make_unique<Scoreboard>();
    p_.pid = 1234;
    p_.workers = {1};
    p_.reaped = true;
  }
  void Fault(int signo, bool fired) {
    faultlab::Fault f;
    f.target = 1;
    f.kind = FaultKind::kSignal;
    f.signo = signo;
    s_.faults = {f};
    sb_->workers[1].fault_ns.store(fired ? 5 : 0);
  }
  WorkerResult Classify(int wait_status) {
    p_.wait_status = wait_status;
    WorkerResult r;
    ClassifyProgramWorker(s_, *sb_, 1, p_, &r);
    return r;
  }

  Scenario s_;
  std::unique_ptr<Scoreboard> sb_;
  ProcessRecord p_;
};

TEST_F(ProgramWorkerTest, ItsInputPipeIsStdinAndItsOutputPipeStdout) {
  std::vector<ChannelFds> fds(2);
  fds[0].end[0].reset(dup(2));
  fds[0].end[1].reset(dup(2));
  fds[1].end[0].reset(dup(2));
  fds[1].end[1].reset(dup(2));
  SpawnRequest req = ProgramWorkerRequest(s_, 1, fds, 77, 9);
  EXPECT_EQ(req.exe, "/usr/bin/tr");
  EXPECT_EQ(req.args, (std::vector<std::string>{"a-z", "A-Z"}));
  ASSERT_EQ(req.fds.size(), 2u);
  EXPECT_EQ(req.fds[0], std::make_pair(fds[0].end[1].get(), 0));  // reads
  EXPECT_EQ(req.fds[1], std::make_pair(fds[1].end[0].get(), 1));  // writes
  EXPECT_EQ(req.pgid, 77);
  EXPECT_EQ(req.stderr_fd, 9);
}

TEST_F(ProgramWorkerTest, ItsFateIsJudgedLikeABuiltInWorkers) {
  EXPECT_EQ(Classify(0).outcome, Outcome::kCompleted);  // exit 0
  WorkerResult pipe = Classify(SIGPIPE);
  EXPECT_EQ(pipe.outcome, Outcome::kDisconnected);
  EXPECT_EQ(pipe.signal, "SIGPIPE");
  WorkerResult exited = Classify(3 << 8);
  EXPECT_EQ(exited.outcome, Outcome::kExited);
  EXPECT_EQ(exited.exit_code, 3);
  // A crash signal nobody sent is its own crash.
  EXPECT_EQ(Classify(SIGSEGV).outcome, Outcome::kCrashed);
}

TEST_F(ProgramWorkerTest, ItsSignalFaultCrashesOrKillsItAsTheSignalDoes) {
  Fault(SIGKILL, true);
  WorkerResult killed = Classify(SIGKILL);
  EXPECT_EQ(killed.outcome, Outcome::kKilled);
  EXPECT_NE(killed.detail.find("sent by faultlab"), std::string::npos);
  Fault(SIGSEGV, true);
  EXPECT_EQ(Classify(SIGSEGV).outcome, Outcome::kCrashed);
}

TEST_F(ProgramWorkerTest, StillRunningAtTheEndIsKilled) {
  p_.reaped = false;
  EXPECT_EQ(Classify(0).outcome, Outcome::kKilled);
  p_.reaped = true;
  p_.killed_by_supervisor = true;
  EXPECT_EQ(Classify(SIGTERM).outcome, Outcome::kKilled);
}

}  // namespace
}  // namespace faultlab
