// The faultlab component SDK: your own code as faultlab workers.
//
// A component is a function registered once under a name:
//
//   #include <faultlab/component.h>
//   void Cache(faultlab::Context& ctx) {
//     faultlab::Port& requests = ctx.In("front->cache");
//     while (std::optional<std::string> m = requests.Receive()) { ... }
//     ctx.ReportOk();
//   }
//   FAULTLAB_COMPONENT("cache", Cache);
//
// and a scenario places it like a built-in role (`- {component: cache}`),
// as a thread or a process or in a grouping of your choice. The host binary
// that holds your components (built with faultlab_add_host(), or by linking
// faultlab::host) is named by the scenario's `host:`.
//
// Thread-safety: a Context and its Ports belong to the worker's own thread.
// Lifetime: they live until the component function returns.
#ifndef FAULTLAB_COMPONENT_H_
#define FAULTLAB_COMPONENT_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace faultlab {

namespace internal {
class ContextImpl;
class PortImpl;
}  // namespace internal

// One end of a channel faultlab created for this worker (a pipe, a socket,
// a loopback TCP connection or a shared-memory ring): framed, checksummed
// messages. Blocking calls publish their waits, so a component stuck on a
// channel is found and explained (hung, stalled) like a built-in worker.
class Port {
 public:
  // Sends one message (at most 65536 bytes). False when the peer is gone
  // (EPIPE, ECONNRESET, a dead shm owner) or this end is not for writing.
  bool Send(std::string_view bytes);
  // The next message; nullopt at the end of the stream, when the peer is
  // gone, or when a frame failed its checks (corrupt() then says so).
  std::optional<std::string> Receive();
  // Like Receive(), waiting at most timeout_ms; nullopt also on timeout
  // (timed_out() then says so).
  std::optional<std::string> Receive(int timeout_ms);
  bool timed_out() const { return timed_out_; }
  bool corrupt() const { return corrupt_; }
  const std::string& name() const { return name_; }  // "front[0]->cache[0]"

 private:
  friend class internal::ContextImpl;
  Port(internal::PortImpl* impl, std::string name)
      : impl_(impl), name_(std::move(name)) {}
  internal::PortImpl* impl_;
  std::string name_;
  bool timed_out_ = false;
  bool corrupt_ = false;
};

// What a component gets at run time.
class Context {
 public:
  // Its worker name ("cache[0]") and group ("cache").
  const std::string& name() const;
  const std::string& group() const;

  // Its channel ends, by channel name: the scenario's `name:` or
  // "front[0]->cache[0]". In() are the channels that end at it, Out() those
  // that start at it. A name it does not hold aborts with a message naming
  // the ones it has (a scenario/code mismatch, not a fault).
  Port& In(std::string_view channel);
  Port& Out(std::string_view channel);
  // The same by peer: the channel from (to) a worker or group name.
  Port& From(std::string_view peer);
  Port& To(std::string_view peer);

  // Its scenario `config:` keys; `fallback` when a key is absent.
  std::string Config(std::string_view key,
                     std::string_view fallback = "") const;
  int64_t ConfigInt(std::string_view key, int64_t fallback) const;

  // A line on stderr, prefixed with the worker's name; the supervisor keeps
  // the last lines of every trial.
  void Log(const char* format, ...) __attribute__((format(printf, 2, 3)));

  // Its own verification, recorded when the component returns: ok (the
  // default), corrupted with a reason, or disconnected (a peer went away
  // and it stopped cleanly; say what it saw). The last call wins.
  void ReportOk();
  // ok, saying what it did ("served 40 requests"): the worker's detail.
  void ReportOk(std::string_view detail);
  void ReportCorrupted(std::string_view reason);
  void ReportDisconnected(std::string_view what);
  // A digest of its state, recorded in the result.
  void SetDigest(uint64_t digest);
  // Registers the memory a sibling's heap_overwrite fault writes into
  // (`variant: sibling, sibling: <this worker>`): as threads of one process
  // the write lands here, as separate processes it cannot.
  void RegisterState(void* data, size_t bytes);

  // Progress for the report (messages handled, say); call as it works.
  void Progress(uint64_t n = 1);

  // Sleeps `microseconds` with the heartbeat on (a sleeping component is
  // alive, not hung) and its time-triggered fault (`after_ms`) firing when
  // due, in slices of at most 20 ms. Use it rather than a plain sleep.
  void Sleep(uint64_t microseconds);

 private:
  friend class internal::ContextImpl;
  explicit Context(internal::ContextImpl* impl) : impl_(impl) {}
  internal::ContextImpl* impl_;
};

using ComponentFn = void (*)(Context&);

namespace internal {
// Adds a component to the host's table (at static-initialisation time).
bool RegisterComponent(const char* name, ComponentFn fn);
}  // namespace internal

}  // namespace faultlab

#define FAULTLAB_CONCAT_INNER_(a, b) a##b
#define FAULTLAB_CONCAT_(a, b) FAULTLAB_CONCAT_INNER_(a, b)

// Registers `fn` (void fn(faultlab::Context&)) under `name`, once per host.
#define FAULTLAB_COMPONENT(name, fn)                                       \
  [[maybe_unused]] static const bool FAULTLAB_CONCAT_(faultlab_component_, \
                                                      __LINE__) =          \
      ::faultlab::internal::RegisterComponent(name, fn)

#endif  // FAULTLAB_COMPONENT_H_
