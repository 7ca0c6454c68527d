// The fork-server launcher: see workers/fork_server.h for the server and
// what its subjects share. One trial's requests at a time (a mutex), so
// parallel trials may share it; a request for any other executable goes to
// the fallback launcher.
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <mutex>

#include "absl/strings/str_cat.h"
#include "harness/errno_status.h"
#include "harness/launcher.h"
#include "harness/unique_fd.h"
#include "workers/fork_server.h"

namespace faultlab {
namespace {

static_assert(kForkServerLowFds == kReservedFds);

class ForkServerLauncher : public Launcher {
 public:
  ForkServerLauncher(std::string worker_exe, std::unique_ptr<Launcher> fallback)
      : worker_exe_(std::move(worker_exe)), fallback_(std::move(fallback)) {}

  ~ForkServerLauncher() override {
    ctl_.reset();  // the server reads EOF and exits
    if (server_ <= 0) return;
    // Its exit wakes a poll on its pidfd at once (a sleep-and-retry loop
    // would add up to a tick to every run); at most a second, then SIGKILL.
    UniqueFd pidfd(int(syscall(SYS_pidfd_open, server_, 0)));
    if (pidfd) {
      pollfd p{pidfd.get(), POLLIN, 0};
      for (int i = 0; i < 100 && poll(&p, 1, 1000) < 0 && errno == EINTR; ++i) {
      }
    } else {  // no pidfds (before Linux 5.3): ask every millisecond
      for (int i = 0; i < 1000; ++i) {
        if (waitpid(server_, nullptr, WNOHANG) == server_) return;
        usleep(1000);
      }
    }
    if (waitpid(server_, nullptr, WNOHANG) == server_) return;
    kill(server_, SIGKILL);
    waitpid(server_, nullptr, 0);
  }

  absl::Status Start() {
    // Subjects come back to this process only if it is a subreaper.
    if (prctl(PR_SET_CHILD_SUBREAPER, 1) != 0)
      return ErrnoStatus("prctl", "PR_SET_CHILD_SUBREAPER");
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
      return ErrnoStatus("socketpair", "fork server");
    ctl_.reset(sv[0]);
    UniqueFd theirs(sv[1]);
    SpawnRequest req;
    req.exe = worker_exe_;
    req.args = {"--fork-server"};
    req.fds = {{theirs.get(), kForkServerControlFd}};
    absl::StatusOr<pid_t> pid = fallback_->Spawn(req);
    if (!pid.ok()) return pid.status();
    server_ = *pid;
    return absl::OkStatus();
  }

  absl::StatusOr<pid_t> Spawn(const SpawnRequest& req) override {
    if (req.exe != worker_exe_) return fallback_->Spawn(req);
    absl::StatusOr<std::vector<pid_t>> pids = SpawnAll({req});
    if (!pids.ok()) return pids.status();
    return (*pids)[0];
  }

  // The requests go out back to back and the replies are read after them,
  // so the server forks one subject after the other without waiting for
  // this process between them, and the subjects already started run
  // meanwhile.
  absl::StatusOr<std::vector<pid_t>> SpawnAll(
      std::vector<SpawnRequest> reqs) override {
    for (const SpawnRequest& req : reqs)
      if (req.exe != worker_exe_) return Launcher::SpawnAll(std::move(reqs));
    std::vector<ForkServerRequest> msgs(reqs.size());
    std::vector<std::vector<int>> fds(reqs.size());
    for (size_t i = 0; i < reqs.size(); ++i) {
      if (absl::Status st = Build(reqs[i], &msgs[i], &fds[i]); !st.ok())
        return st;
      // The first leads a group (or joins the one asked for); the others
      // join the group of the subject the server started last with
      // pgid 0 or > 0, which is the first.
      if (i > 0) msgs[i].pgid = kForkServerJoinLast;
    }
    std::vector<pid_t> pids;
    absl::Status failed;
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (size_t at = 0; at < msgs.size(); at += kBatch) {
        const size_t end = std::min(msgs.size(), at + kBatch);
        size_t sent = at;
        for (; sent < end && failed.ok(); ++sent)
          failed = Send(msgs[sent], fds[sent]);
        if (!failed.ok()) --sent;  // that one did not go out
        // Every request that went out gets its reply, read here, so none
        // is left for the next caller to take for its own.
        for (size_t k = at; k < sent; ++k) {
          ForkServerReply reply{};
          ssize_t got;
          do {
            got = recv(ctl_.get(), &reply, sizeof reply, 0);
          } while (got < 0 && errno == EINTR);
          if (got != ssize_t(sizeof reply)) {
            KillStarted(pids);
            return got < 0 ? ErrnoStatus("recv", "fork server")
                           : absl::InternalError("fork server: exited");
          }
          if (reply.pid > 0) {
            pids.push_back(reply.pid);
          } else if (failed.ok()) {
            failed = absl::InternalError(absl::StrCat(
                "fork server: cannot start a subject: ", strerror(-reply.pid)));
          }
        }
        if (!failed.ok()) break;
      }
    }
    if (!failed.ok()) {
      KillStarted(pids);
      return failed;
    }
    // From this side too, so the group exists before anyone signals it.
    const pid_t group = reqs[0].pgid ? reqs[0].pgid : pids[0];
    for (pid_t pid : pids) setpgid(pid, group);
    return pids;
  }

 private:
  // Requests written before their replies are read, at most.
  static constexpr size_t kBatch = 16;

  absl::Status Build(const SpawnRequest& req, ForkServerRequest* msg,
                     std::vector<int>* fds) const {
    *msg = ForkServerRequest{};
    msg->magic = kForkServerMagic;
    msg->pgid = req.pgid;
    msg->supervisor = getpid();
    auto add = [&](int from, int to) {
      if (msg->n_fds < kForkServerMaxFds) msg->targets[msg->n_fds] = to;
      ++msg->n_fds;
      fds->push_back(from);
    };
    if (req.stdout_fd >= 0) add(req.stdout_fd, 1);
    if (req.stderr_fd >= 0) add(req.stderr_fd, 2);
    for (const auto& [from, to] : req.fds) add(from, to);
    std::string args;
    for (const std::string& a : req.args) absl::StrAppend(&args, a);
    if (msg->n_fds > kForkServerMaxFds || req.args.size() != 1 ||
        args.size() >= sizeof msg->args)
      return absl::InvalidArgumentError(
          absl::StrCat("fork server: request too large (", msg->n_fds,
                       " descriptors, ", args.size(), " bytes of arguments)"));
    memcpy(msg->args, args.c_str(), args.size() + 1);
    return absl::OkStatus();
  }

  absl::Status Send(const ForkServerRequest& msg, const std::vector<int>& fds) {
    iovec iov{const_cast<ForkServerRequest*>(&msg), sizeof msg};
    alignas(cmsghdr) char cbuf[CMSG_SPACE(sizeof(int) * kForkServerMaxFds)];
    msghdr hdr{};
    hdr.msg_iov = &iov;
    hdr.msg_iovlen = 1;
    if (!fds.empty()) {
      hdr.msg_control = cbuf;
      hdr.msg_controllen = CMSG_SPACE(sizeof(int) * fds.size());
      cmsghdr* c = CMSG_FIRSTHDR(&hdr);
      c->cmsg_level = SOL_SOCKET;
      c->cmsg_type = SCM_RIGHTS;
      c->cmsg_len = CMSG_LEN(sizeof(int) * fds.size());
      memcpy(CMSG_DATA(c), fds.data(), sizeof(int) * fds.size());
    }
    ssize_t sent;
    do {
      sent = sendmsg(ctl_.get(), &hdr, MSG_NOSIGNAL);
    } while (sent < 0 && errno == EINTR);
    if (sent != ssize_t(sizeof msg))
      return ErrnoStatus("sendmsg", "fork server");
    return absl::OkStatus();
  }

  const std::string worker_exe_;
  std::unique_ptr<Launcher> fallback_;
  std::mutex mu_;  // one request at a time on ctl_
  UniqueFd ctl_;
  pid_t server_ = -1;
};

}  // namespace

absl::StatusOr<std::unique_ptr<Launcher>> StartForkServer(
    const std::string& worker_exe, std::unique_ptr<Launcher> fallback) {
  auto launcher =
      std::make_unique<ForkServerLauncher>(worker_exe, std::move(fallback));
  if (absl::Status st = launcher->Start(); !st.ok()) return st;
  return std::unique_ptr<Launcher>(std::move(launcher));
}

}  // namespace faultlab
