#include "harness/program/probes.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <memory>

#include "absl/strings/str_cat.h"
#include "harness/program/curl_loader.h"
#include "harness/program/program_launcher.h"
#include "workers/scoreboard.h"

extern char** environ;

namespace faultlab::program {
namespace {

std::string ErrnoKind(int e) {
  switch (e) {
    case ECONNREFUSED:
      return "refused";
    case ECONNRESET:
      return "reset";
    case ETIMEDOUT:
      return "timeout";
    case EPIPE:
      return "epipe";
    default:
      return strerror(e);
  }
}

size_t Discard(char*, size_t size, size_t n, void*) { return size * n; }

ProbeEvent TcpProbe(const Probe& p) {
  ProbeEvent e;
  std::string err;
  int fd = ConnectTcp(p.target, int(p.timeout_ms), &err);
  e.ok = fd >= 0;
  e.detail = e.ok ? "connected" : err;
  if (fd >= 0) close(fd);
  return e;
}

ProbeEvent HttpProbe(const Probe& p) {
  ProbeEvent e;
  const CurlApi* curl = Curl(&e.detail);
  if (!curl) return e;
  std::unique_ptr<CURL, void (*)(CURL*)> c(curl->easy_init(),
                                           curl->easy_cleanup);
  if (!c) {
    e.detail = "curl_easy_init failed";
    return e;
  }
  curl->easy_setopt(c.get(), CURLOPT_URL, p.target.c_str());
  curl->easy_setopt(c.get(), CURLOPT_TIMEOUT_MS, long(p.timeout_ms));
  curl->easy_setopt(c.get(), CURLOPT_NOSIGNAL, 1L);
  curl->easy_setopt(c.get(), CURLOPT_FORBID_REUSE, 1L);
  curl->easy_setopt(c.get(), CURLOPT_NOPROXY, "*");
  curl->easy_setopt(c.get(), CURLOPT_WRITEFUNCTION, Discard);
  if (CURLcode rc = curl->easy_perform(c.get()); rc != CURLE_OK) {
    e.detail = curl->ErrorKind(rc);
    return e;
  }
  long status = 0;
  curl->easy_getinfo(c.get(), CURLINFO_RESPONSE_CODE, &status);
  e.ok = status >= 200 && status < 400;
  e.detail = absl::StrCat("HTTP ", status);
  return e;
}

ProbeEvent CommandProbe(const Probe& p) {
  ProbeEvent e;
  std::vector<std::string> env;
  for (char** v = environ; *v; ++v) env.push_back(*v);
  ProgramSpawn sp;
  sp.argv = {"/bin/sh", "-c", p.target};
  sp.env = env;
  absl::StatusOr<pid_t> pid = SpawnProgram(sp);
  if (!pid.ok()) {
    e.detail = std::string(pid.status().message());
    return e;
  }
  const uint64_t until = MonotonicNs() + uint64_t(p.timeout_ms) * 1'000'000;
  int status = 0;
  pid_t got = 0;
  while ((got = waitpid(*pid, &status, WNOHANG)) == 0 && MonotonicNs() < until)
    usleep(1000);
  if (got != *pid) {
    kill(-*pid, SIGKILL);
    waitpid(*pid, &status, 0);
    e.detail = "timeout";
    return e;
  }
  e.ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  e.detail = WIFEXITED(status) ? absl::StrCat("exit ", WEXITSTATUS(status))
                               : absl::StrCat("signal ", WTERMSIG(status));
  return e;
}

}  // namespace

int ConnectTcp(const std::string& host_port, int timeout_ms, std::string* err) {
  size_t colon = host_port.rfind(':');
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(uint16_t(atoi(host_port.c_str() + colon + 1)));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);  // loopback only
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) {
    *err = strerror(errno);
    return -1;
  }
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 &&
      errno != EINPROGRESS) {
    *err = ErrnoKind(errno);
    close(fd);
    return -1;
  }
  pollfd pfd{fd, POLLOUT, 0};
  int n = poll(&pfd, 1, timeout_ms);
  int soerr = 0;
  socklen_t len = sizeof soerr;
  getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len);
  if (n <= 0 || soerr != 0) {
    *err = n == 0 ? "timeout" : ErrnoKind(soerr ? soerr : errno);
    close(fd);
    return -1;
  }
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  return fd;
}

ProbeEvent RunProbeOnce(const Probe& p) {
  const uint64_t start = MonotonicNs();
  ProbeEvent e = p.kind == ProbeKind::kTcp    ? TcpProbe(p)
                 : p.kind == ProbeKind::kHttp ? HttpProbe(p)
                                              : CommandProbe(p);
  e.t_ns = start;
  e.latency_ms = double(MonotonicNs() - start) / 1e6;
  return e;
}

void ProbeSet::Start() {
  results_.assign(probes_.size(), {});
  passed_.reset(new std::atomic<bool>[probes_.size()]);
  for (size_t i = 0; i < probes_.size(); ++i) passed_[i] = false;
  for (size_t i = 0; i < probes_.size(); ++i)
    threads_.emplace_back([this, i] { Loop(i); });
}

void ProbeSet::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  for (std::thread& t : threads_) t.join();
  threads_.clear();
}

bool ProbeSet::HasPassed(const std::string& name) const {
  for (size_t i = 0; i < probes_.size(); ++i)
    if (probes_[i].name == name && passed_ && passed_[i].load()) return true;
  return false;
}

void ProbeSet::Loop(size_t i) {
  const Probe& p = probes_[i];
  uint64_t next = MonotonicNs();
  for (;;) {
    ProbeEvent e = RunProbeOnce(p);
    if (e.ok) passed_[i] = true;
    std::unique_lock<std::mutex> lock(mu_);
    results_[i].push_back(std::move(e));
    next += uint64_t(p.interval_ms) * 1'000'000;
    const uint64_t now = MonotonicNs();
    if (next < now) next = now;
    if (cv_.wait_for(lock, std::chrono::nanoseconds(next - now),
                     [&] { return stop_; }))
      return;
  }
}

}  // namespace faultlab::program
