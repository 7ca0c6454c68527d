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
#include <utility>
#include <vector>

namespace faultlab {

namespace internal {
class ContextImpl;
class PortImpl;
}  // namespace internal

// The largest message a Port carries, in bytes.
inline constexpr size_t kMaxMessageBytes = 65536;

// What Port::Read() found. The stream stays readable after kBadChecksum and
// kOutOfSequence (the frame's framing was intact); kEnd, kPeerGone and
// kFramingLost end it: nothing more will arrive on that port.
enum class ReadStatus {
  kOk,             // an intact frame, the one expected next
  kBadChecksum,    // its bytes do not match the checksum it carries
  kOutOfSequence,  // intact, but not the seq expected (one lost, or repeated)
  kEnd,            // the writer closed the stream (Port::expected_messages()
                   // tells a complete stream from one cut short)
  kPeerGone,       // ECONNRESET, a dead shm peer: the stream was cut
  kFramingLost,    // a broken frame header: the rest cannot be delimited
  kTimeout,        // nothing within timeout_ms
};

// One frame, as Port::Read() found it or as a producer makes it. `bytes`
// views memory it does not own: after a Read(), the port's buffer, valid
// until that port's next Read().
struct Frame {
  uint64_t seq = 0;       // its number in the stream, 0-based
  uint32_t checksum = 0;  // the checksum it carries (of its bytes, if intact)
  std::string_view bytes;
  // Read() only: the seq the port expected (not seq when kOutOfSequence).
  uint64_t expected_seq = 0;

  // A frame of `bytes` numbered `seq`, with their checksum: what Send()
  // writes. At most kMaxMessageBytes.
  static Frame Of(uint64_t seq, std::string_view bytes);
};

// One end of a channel faultlab created for this worker (a pipe, a socket,
// a loopback TCP connection or a shared-memory ring): framed, checksummed
// messages. Blocking calls publish their waits, so a component stuck on a
// channel is found and explained (hung, stalled) like a built-in worker.
//
// Two levels: Send()/Receive() move messages, numbering and checking them;
// Write()/Read() move frames as they are and report every frame's checks,
// without allocating (what the built-in producer, relay and sink use).
class Port {
 public:
  // Sends one message (at most kMaxMessageBytes) as the next frame of the
  // stream. False when the peer is gone (EPIPE, ECONNRESET, a dead shm
  // owner) or this end is not for writing.
  bool Send(std::string_view bytes);
  // The next message; nullopt at the end of the stream, when the peer is
  // gone, or when a frame failed its checks (corrupt() then says so).
  std::optional<std::string> Receive();
  // Like Receive(), waiting at most timeout_ms; nullopt also on timeout
  // (timed_out() then says so).
  std::optional<std::string> Receive(int timeout_ms);
  bool timed_out() const { return timed_out_; }
  bool corrupt() const { return corrupt_; }

  // Reads the next frame into *f, waiting at most timeout_ms (-1: until
  // something happens), and checks its payload against its checksum, then
  // its seq against the one expected (the last frame's seq + 1). A failed
  // check is a checksum_error / sequence_error event of the worker, as a
  // built-in sink records, and the stream reads on: the next frame is
  // expected to follow this one. f->bytes is valid until the next Read();
  // *f is set for kOk, kBadChecksum and kOutOfSequence only.
  ReadStatus Read(Frame* f, int timeout_ms = -1);
  // Writes `f` as it is: its seq and checksum unchanged, so a frame that
  // arrived corrupt is forwarded corrupt and its reader finds out. False
  // when the peer is gone or this end is not for writing (LastEvent() then
  // says what happened), or when f.bytes is over kMaxMessageBytes.
  // Send(m) is Write(Frame::Of(next_seq(), m)).
  bool Write(const Frame& f);

  // Closes this end now: its reader sees the end of the stream, its writer
  // EPIPE. Ends are closed anyway when the component returns.
  void Close();

  // Reading: the seq the next frame should carry. Writing: the seq Send()
  // gives the next message (one past the last frame written).
  uint64_t next_seq() const;
  // How many messages the scenario's plan puts on this channel when nothing
  // fails (its producer's `messages:`); 0 if no plan says.
  uint64_t expected_messages() const;
  // What last happened to this end that a peer would want to know, in the
  // words of a built-in worker's detail: "EPIPE on pipe a[0]->b[0]: reader
  // gone, 88 bytes unread", "EOF on socket a[0]->b[0] before the last
  // message", "peer gone on shm ..." if it recorded nothing.
  std::string LastEvent() const;

  const std::string& name() const { return name_; }  // "front[0]->cache[0]"

 private:
  friend class Context;
  friend class internal::ContextImpl;
  Port(internal::PortImpl* impl, std::string name)
      : impl_(impl), name_(std::move(name)) {}
  internal::PortImpl* impl_;
  std::string name_;
  bool timed_out_ = false;
  bool corrupt_ = false;
};

// Reads several input ports as frames arrive on any of them: each open port
// in turn, one frame at a time, so a silent input never holds up the live
// ones. While every open port stays silent the worker publishes a wait for
// any input (one that no single peer can explain, so it is no edge of the
// wait-for graph); with one port left open, Read() blocks on it and the wait
// names its channel. This is how the built-in sink and relay read.
//
//   faultlab::AnyInput inputs({&ctx.In("a"), &ctx.In("b")});
//   faultlab::Frame f;
//   faultlab::ReadStatus st;
//   for (int k; (k = inputs.Read(&f, &st)) >= 0;) { ... }
class AnyInput {
 public:
  explicit AnyInput(std::vector<Port*> ports);
  AnyInput(const AnyInput&) = delete;
  AnyInput& operator=(const AnyInput&) = delete;

  // The next frame or end of stream on any open port: returns its index in
  // `ports`, with *status (never kTimeout) and *f as Port::Read() set them.
  // A port whose stream ended (kEnd, kPeerGone, kFramingLost) leaves the
  // set. Returns -1 once every stream has ended.
  int Read(Frame* f, ReadStatus* status);
  size_t open() const { return n_open_; }
  Port& port(size_t i) const { return *ports_[i]; }

 private:
  std::vector<Port*> ports_;
  std::vector<bool> open_;
  size_t n_open_;
  size_t next_ = 0;        // the next port of this round
  bool in_round_ = false;  // a round over the ports is under way
  bool silent_ = true;     // nothing read yet this round
  int slice_ms_ = 0;       // each read's wait this round
  uint64_t silent_since_ = 0;
};

// One of the trial's two shared locks (Context::TrialLock), a lockable for
// std::lock_guard / std::scoped_lock. They are process-shared robust mutexes
// in the trial's scoreboard, so two workers share them whether they run as
// threads of one process or as separate processes (unlike faultlab::Mutex).
// A wait is published (this worker blocked on lock A or B) and so is the
// owner, so a lock-order cycle is found and named; the wait has no timeout
// and no heartbeat: a worker stuck here is really stuck. A lock whose owner
// died holding it is taken over (an owner_dead event). Not recursive:
// relocking one this worker holds never returns.
class SharedLock {
 public:
  SharedLock(const SharedLock&) = delete;
  SharedLock& operator=(const SharedLock&) = delete;
  void lock();
  void unlock();

 private:
  friend class internal::ContextImpl;
  SharedLock(internal::ContextImpl* ctx, int index)
      : ctx_(ctx), index_(index) {}
  internal::ContextImpl* ctx_;
  int index_;
};

// What a worker does when a peer goes away: the scenario's `policy:`.
enum class PeerPolicy {
  kStop,      // end disconnected
  kWait,      // keep waiting on the channel (stalled once the peer is gone)
  kContinue,  // carry on with the other channels
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
  // Every input (output) port, in the scenario's channel order.
  const std::vector<Port*>& Inputs() const;
  const std::vector<Port*>& Outputs() const;

  // Its scenario `config:` keys; `fallback` when a key is absent.
  std::string Config(std::string_view key,
                     std::string_view fallback = "") const;
  int64_t ConfigInt(std::string_view key, int64_t fallback) const;
  // The scenario's worker keys: `messages:` (a stream's length, or units of
  // work), `payload:` (a message's bytes), `interval_us:` (pacing),
  // `policy:`, and the trial's seed (repeat r of a run has seed + r).
  uint64_t messages() const;
  uint32_t payload() const;
  uint64_t interval_us() const;
  PeerPolicy peer_policy() const;
  uint64_t seed() const;

  // A line on stderr, prefixed with the worker's name; the supervisor keeps
  // the last lines of every trial.
  void Log(const char* format, ...) __attribute__((format(printf, 2, 3)));

  // Its own verification, recorded when the component returns: ok (the
  // default), corrupted with a reason, or disconnected (a peer went away
  // and it stopped cleanly; say what it saw). The last call wins.
  // `decided_by`, if given, is the channel whose events decided it (the
  // result names it).
  void ReportOk();
  // ok, saying what it did ("served 40 requests"): the worker's detail.
  void ReportOk(std::string_view detail);
  void ReportCorrupted(std::string_view reason,
                       const Port* decided_by = nullptr);
  void ReportDisconnected(std::string_view what,
                          const Port* decided_by = nullptr);

  // A peer is gone on `port` (a Write() or Read() said so): applies the
  // scenario's policy, in a built-in worker's words (`note` is appended):
  //  - stop: reports disconnected, "stopped: <port.LastEvent()><note>",
  //    decided by `port`, and returns false: return now.
  //  - wait: waits on `port` for good, its detail "waits (policy wait) after
  //    <port.LastEvent()><note>"; never returns.
  //  - continue: returns true; carry on without `port` (Close() it).
  bool PeerLost(Port& port, std::string_view note = "");
  // Policy wait, in your own words: publishes a wait on `port` (a read wait
  // on an input, a write wait on an output) and blocks with the heartbeat
  // on until the trial ends. `detail`, if given, is the worker's detail
  // meanwhile, decided by `port`.
  [[noreturn]] void WaitForever(Port& port, std::string_view detail = "");

  // The trial's shared lock A (0) or B (1); see SharedLock.
  SharedLock& TrialLock(int index);

  // A digest of its state, recorded in the result.
  void SetDigest(uint64_t digest);
  // Registers the memory a sibling's heap_overwrite fault writes into
  // (`variant: sibling, sibling: <this worker>`): as threads of one process
  // the write lands here, as separate processes it cannot.
  void RegisterState(void* data, size_t bytes);

  // Progress for the report (messages handled, say); call as it works.
  void Progress(uint64_t n = 1);
  // A message that failed its checks (a bad frame, or one your code
  // rejected), counted in the result: a worker that counted any has not
  // verified its streams.
  void CountBadMessage(uint64_t n = 1);
  uint64_t bad_messages() const;

  // Sleeps `microseconds` with the heartbeat on (a sleeping component is
  // alive, not hung) and its time-triggered fault (`after_ms`) firing when
  // due, in slices of at most 20 ms. Use it rather than a plain sleep.
  void Sleep(uint64_t microseconds);

 private:
  friend class internal::ContextImpl;
  explicit Context(internal::ContextImpl* impl) : impl_(impl) {}
  internal::ContextImpl* impl_;
};

// The payload of message `seq` of a stream seeded `seed` (n bytes into
// `out`), as the built-in producer sends it: the supervisor recomputes a
// stream of these to check a reader's digest.
void FillStreamPayload(uint64_t seed, uint64_t seq, void* out, size_t n);

// The order-sensitive digest of a stream's payloads that the supervisor
// recomputes for a built-in sink: Add() each verified message in order.
// A reader of several streams reports the sum of their digests.
class StreamDigest {
 public:
  void Add(std::string_view bytes);
  constexpr uint64_t value() const { return value_; }

 private:
  uint64_t value_ = 0xcbf29ce484222325ull;
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
