#include "harness/program/clients.h"

#include <errno.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <memory>

#include "absl/strings/str_cat.h"
#include "harness/program/curl_loader.h"
#include "harness/program/probes.h"
#include "workers/scoreboard.h"

namespace faultlab::program {
namespace {

constexpr uint64_t kRetryNs = 20'000'000;  // a failed session's lane waits

size_t Append(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

}  // namespace

void ClientSet::Start() {
  for (size_t c = 0; c < clients_.size(); ++c)
    for (uint32_t k = 0; k < clients_[c].sessions; ++k)
      threads_.emplace_back([this, c, k] { Lane(int(c), int(k)); });
}

void ClientSet::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (std::thread& t : threads_) t.join();
  threads_.clear();
}

bool ClientSet::Wait(uint64_t until_ns) {
  std::unique_lock<std::mutex> lock(mu_);
  const uint64_t now = MonotonicNs();
  if (until_ns > now)
    cv_.wait_for(lock, std::chrono::nanoseconds(until_ns - now),
                 [&] { return stopping_.load(); });
  return !stopping_.load();
}

void ClientSet::Finish(Session s) {
  std::lock_guard<std::mutex> lock(mu_);
  sessions_.push_back(std::move(s));
}

void ClientSet::Lane(int client, int slot) {
  const Client& c = clients_[client];
  while (!stopping_.load()) {
    Session s;
    s.client = client;
    s.slot = slot;
    s.start_ns = MonotonicNs();
    if (c.kind == ClientKind::kTcp)
      TcpSession(c, &s);
    else
      HttpSession(c, &s);
    if (!s.error.empty()) s.end_ns = MonotonicNs();
    const bool failed = !s.error.empty();
    Finish(std::move(s));
    if (failed && !Wait(MonotonicNs() + kRetryNs)) return;
  }
}

// Returns when the session fails or the set stops.
void ClientSet::TcpSession(const Client& c, Session* s) {
  int fd = ConnectTcp(c.target, int(c.timeout_ms), &s->error);
  if (fd < 0) return;
  const uint64_t period = 1'000'000'000ull / c.rate;
  uint64_t next = MonotonicNs();
  std::string buf;
  for (;;) {
    if (!Wait(next)) break;
    next += period;
    if (send(fd, c.send.data(), c.send.size(), MSG_NOSIGNAL) < 0) {
      s->error = errno == ECONNRESET ? "reset" : "epipe";
      break;
    }
    // One reply: a line.
    buf.clear();
    const uint64_t until = MonotonicNs() + uint64_t(c.timeout_ms) * 1'000'000;
    while (buf.find('\n') == std::string::npos) {
      const uint64_t now = MonotonicNs();
      pollfd pfd{fd, POLLIN, 0};
      int n =
          now < until ? poll(&pfd, 1, int((until - now) / 1'000'000) + 1) : 0;
      if (n == 0) {
        s->error = "timeout";
        break;
      }
      char tmp[4096];
      ssize_t r = n > 0 ? recv(fd, tmp, sizeof tmp, 0) : -1;
      if (r == 0) {
        s->error = "eof";
        break;
      }
      if (r < 0) {
        if (errno == EINTR) continue;
        s->error = errno == ECONNRESET ? "reset" : strerror(errno);
        break;
      }
      buf.append(tmp, r);
    }
    if (!s->error.empty()) break;
    if (buf.compare(0, c.reply.size(), c.reply) != 0) {
      s->error = "bad_reply";
      s->detail = buf.substr(0, 80);
      break;
    }
    ++s->requests;
    s->established = true;
    requests_.fetch_add(1);
  }
  close(fd);
}

void ClientSet::HttpSession(const Client& c, Session* s) {
  const CurlApi* curl = Curl(&s->error);
  if (!curl) return;
  std::unique_ptr<CURL, void (*)(CURL*)> h(curl->easy_init(),
                                           curl->easy_cleanup);
  if (!h) {
    s->error = "curl_easy_init";
    return;
  }
  std::string body;
  curl->easy_setopt(h.get(), CURLOPT_URL, c.target.c_str());
  curl->easy_setopt(h.get(), CURLOPT_TIMEOUT_MS, long(c.timeout_ms));
  curl->easy_setopt(h.get(), CURLOPT_NOSIGNAL, 1L);
  curl->easy_setopt(h.get(), CURLOPT_NOPROXY, "*");
  curl->easy_setopt(h.get(), CURLOPT_WRITEFUNCTION, Append);
  curl->easy_setopt(h.get(), CURLOPT_WRITEDATA, &body);
  const uint64_t period = 1'000'000'000ull / c.rate;
  uint64_t next = MonotonicNs();
  for (;;) {
    if (!Wait(next)) break;
    next += period;
    body.clear();
    CURLcode rc = curl->easy_perform(h.get());
    long connects = 0, status = 0;
    curl->easy_getinfo(h.get(), CURLINFO_NUM_CONNECTS, &connects);
    curl->easy_getinfo(h.get(), CURLINFO_RESPONSE_CODE, &status);
    if (rc != CURLE_OK) {
      s->error = curl->ErrorKind(rc);
      break;
    }
    // libcurl reopens a keep-alive connection the server closed: the
    // session this lane held is gone.
    if (s->requests > 0 && connects > 0) {
      s->error = "eof";
      s->detail = "the server closed the connection; libcurl reconnected";
      break;
    }
    if (status >= 500) {
      s->error = "http_5xx";
      s->detail = absl::StrCat("HTTP ", status);
      break;
    }
    ++s->requests;
    s->established = true;
    requests_.fetch_add(1);
  }
}

}  // namespace faultlab::program
