// Probes watch a service from outside: a TCP connect, an HTTP GET
// (libcurl, a fresh connection each time: a probe checks that new clients
// are served) or a shell command that must exit 0. Each probe runs in its
// own thread at its interval from Start() until Stop(); every result is a
// timed event. Thread-safe: results() may be read once Stop() returned.
#ifndef FAULTLAB_HARNESS_PROGRAM_PROBES_H_
#define FAULTLAB_HARNESS_PROGRAM_PROBES_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "harness/program/program_spec.h"

namespace faultlab::program {

struct ProbeEvent {
  uint64_t t_ns = 0;  // when it started
  bool ok = false;
  double latency_ms = 0;
  std::string detail;  // "HTTP 200", "connection refused", "exit 1", ...
};

// One check, blocking up to the probe's timeout. Used by the probe threads
// and by readiness (tcp/http).
ProbeEvent RunProbeOnce(const Probe& p);

class ProbeSet {
 public:
  explicit ProbeSet(std::vector<Probe> probes) : probes_(std::move(probes)) {}
  ~ProbeSet() { Stop(); }
  void Start();
  void Stop();
  // Times the named probe passed so far (for the after_probe trigger).
  bool HasPassed(const std::string& name) const;
  const std::vector<Probe>& probes() const { return probes_; }
  const std::vector<std::vector<ProbeEvent>>& results() const {
    return results_;
  }

 private:
  void Loop(size_t i);

  std::vector<Probe> probes_;
  std::vector<std::vector<ProbeEvent>> results_;
  std::vector<std::thread> threads_;
  std::unique_ptr<std::atomic<bool>[]> passed_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
};

// "127.0.0.1:8080" -> connects with a timeout; returns the socket or -1 and
// an error kind ("refused", "timeout", "reset", ...).
int ConnectTcp(const std::string& host_port, int timeout_ms, std::string* err);

}  // namespace faultlab::program

#endif  // FAULTLAB_HARNESS_PROGRAM_PROBES_H_
