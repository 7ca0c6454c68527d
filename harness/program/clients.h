// The built-in load generator: per client, N concurrent sessions, each a
// thread that holds one connection and sends requests at the client's rate.
// A TCP session sends `send` and reads one line that must start with
// `reply`; an HTTP session GETs its URL over one keep-alive connection
// (libcurl; a silent reconnect counts as the session's end). A session
// ends at its first error (reset, eof, timeout, refused, http_5xx, bad
// reply) and is replaced by a new one. Thread-safe: sessions() may be read
// once Stop() returned; requests() at any time.
#ifndef FAULTLAB_HARNESS_PROGRAM_CLIENTS_H_
#define FAULTLAB_HARNESS_PROGRAM_CLIENTS_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "harness/program/program_spec.h"

namespace faultlab::program {

struct Session {
  int client = 0;            // index in the spec's clients
  int slot = 0;              // which of the client's N concurrent lanes
  uint64_t start_ns = 0;     // connected
  uint64_t end_ns = 0;       // 0: still open when the clients stopped
  uint64_t requests = 0;     // answered
  bool established = false;  // connected and answered at least once
  std::string error;         // "" when it ended with the trial
  std::string detail;
};

class ClientSet {
 public:
  explicit ClientSet(std::vector<Client> clients)
      : clients_(std::move(clients)) {}
  ~ClientSet() { Stop(); }
  void Start();
  void Stop();
  uint64_t requests() const { return requests_.load(); }
  const std::vector<Session>& sessions() const { return sessions_; }
  const std::vector<Client>& clients() const { return clients_; }

 private:
  void Lane(int client, int slot);
  bool Wait(uint64_t until_ns);  // false when stopping
  void Finish(Session s);
  void TcpSession(const Client& c, Session* s);
  void HttpSession(const Client& c, Session* s);

  std::vector<Client> clients_;
  std::vector<Session> sessions_;
  std::vector<std::thread> threads_;
  std::atomic<uint64_t> requests_{0};
  std::atomic<bool> stopping_{false};
  std::mutex mu_;
  std::condition_variable cv_;
};

}  // namespace faultlab::program

#endif  // FAULTLAB_HARNESS_PROGRAM_CLIENTS_H_
