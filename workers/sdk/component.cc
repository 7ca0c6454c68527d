// The component SDK on top of the worker runtime: a Context is a view of the
// worker's WorkerContext, a Port of one of its ChannelEnds. Components run
// through the same slot, channel ends, waits and fault firing as the
// built-in roles, so the supervisor needs no second path to judge them.
#include "faultlab/component.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <cstddef>
#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

#include "workers/channel.h"
#include "workers/lock_table.h"
#include "workers/message.h"
#include "workers/sdk/components.h"
#include "workers/worker_context.h"

namespace faultlab {
namespace internal {

class PortImpl {
 public:
  PortImpl(ChannelEnd* end, const ChannelConfig& config, bool out)
      : end_(end), config_(config), out_(out) {}
  ChannelEnd* end_;
  const ChannelConfig& config_;
  const bool out_;
  uint64_t next_seq_ = 0;    // frames sent on this end
  uint64_t expect_seq_ = 0;  // frames received on this end
  // What Read() reads into: one frame, allocated by the first Read().
  std::unique_ptr<unsigned char[]> buf_;
};

class ContextImpl {
 public:
  explicit ContextImpl(WorkerContext& w)
      : w_(w), api_(this), locks_{{this, kLockA}, {this, kLockB}} {
    const WorkerConfig& c = w.config();
    name_ = c.name;
    group_ = name_.substr(0, name_.find('['));
    for (auto& e : w.in) Add(e.get(), false);
    for (auto& e : w.out) Add(e.get(), true);
  }

  Port& Find(std::string_view key, bool out, bool by_peer) {
    for (Entry& e : ports_) {
      if (e.out != out) continue;
      if (!by_peer && e.port->name() == key) return *e.port;
      if (by_peer && (e.peer == key || e.peer_group == key)) return *e.port;
    }
    std::string have;
    for (Entry& e : ports_)
      if (e.out == out)
        have +=
            (have.empty() ? "" : ", ") + (by_peer ? e.peer : e.port->name());
    fprintf(stderr,
            "faultlab: %s asked for %s %s '%.*s', which the scenario does not "
            "give it; it has: %s\n",
            name_.c_str(), out ? "output" : "input",
            by_peer ? (out ? "to" : "from") : "channel", int(key.size()),
            key.data(), have.empty() ? "none" : have.c_str());
    abort();
  }

  int Channel(const Port* p) const {
    return p ? p->impl_->end_->channel() : -1;
  }

  WorkerContext& w_;
  Context api_;
  SharedLock locks_[2];
  std::string name_, group_;
  EndReason end_ = EndReason::kCompleted;
  std::string why_;      // the reported reason
  int decided_by_ = -1;  // the channel that decided it, or -1
  std::vector<Port*> inputs_, outputs_;
  struct Entry {
    bool out;
    std::string peer, peer_group;
    std::unique_ptr<PortImpl> impl;
    std::unique_ptr<Port> port;
  };
  std::vector<Entry> ports_;

 private:
  void Add(ChannelEnd* end, bool out) {
    const ChannelConfig& c = w_.sb().channels[end->channel()];
    Entry e;
    e.out = out;
    e.peer = w_.sb().workers[out ? c.to : c.from].config.name;
    e.peer_group = e.peer.substr(0, e.peer.find('['));
    e.impl = std::make_unique<PortImpl>(end, c, out);
    e.port.reset(new Port(e.impl.get(), c.name));
    (out ? outputs_ : inputs_).push_back(e.port.get());
    ports_.push_back(std::move(e));
  }
};

struct Registered {
  const char* name;
  ComponentFn fn;
};
constexpr int kMaxComponents = 128;
Registered g_components[kMaxComponents];
int g_n_components = 0;

bool RegisterComponent(const char* name, ComponentFn fn) {
  for (int i = 0; i < g_n_components; ++i)
    if (std::strcmp(g_components[i].name, name) == 0) {
      fprintf(stderr, "faultlab: component '%s' is registered twice\n", name);
      abort();
    }
  if (g_n_components == kMaxComponents) {
    fprintf(stderr, "faultlab: more than %d components\n", kMaxComponents);
    abort();
  }
  g_components[g_n_components++] = {name, fn};
  return true;
}

void ListComponents(FILE* out) {
  for (int i = 0; i < g_n_components; ++i)
    fprintf(out, "component %s\n", g_components[i].name);
}

void RunComponent(WorkerContext& w) {
  const char* want = w.config().component;
  ComponentFn fn = nullptr;
  for (int i = 0; i < g_n_components; ++i)
    if (std::strcmp(g_components[i].name, want) == 0) fn = g_components[i].fn;
  if (!fn) {
    // The supervisor checks the host's list first; reaching this is a host
    // built without the component.
    fprintf(stderr, "faultlab: this host has no component '%s'\n", want);
    _exit(2);
  }
  RunComponentFn(w, fn);
}

void RunComponentFn(WorkerContext& w, ComponentFn fn) {
  ContextImpl impl(w);
  fn(impl.api_);
  if (w.slot().state.load() == WorkerState::kFinished) return;
  w.Finish(impl.end_, impl.decided_by_,
           impl.why_.empty() ? "returned; reported ok" : impl.why_.c_str());
}

}  // namespace internal

Frame Frame::Of(uint64_t seq, std::string_view bytes) {
  Frame f;
  f.seq = seq;
  f.checksum = Checksum(bytes.data(), bytes.size());
  f.bytes = bytes;
  return f;
}

bool Port::Send(std::string_view bytes) {
  if (bytes.size() > kMaxPayload) return false;
  return Write(Frame::Of(impl_->next_seq_, bytes));
}

bool Port::Write(const Frame& f) {
  internal::PortImpl& p = *impl_;
  if (f.bytes.size() > kMaxPayload) return false;
  // The header as the frame's writer made it: its seq and checksum, whatever
  // the bytes hash to now.
  FrameHeader h{kFrameMagic, uint32_t(f.bytes.size()), f.seq, f.checksum, 0};
  h.header_check = Checksum(&h, offsetof(FrameHeader, header_check));
  const auto* data = reinterpret_cast<const unsigned char*>(f.bytes.data());
  if (p.end_->Write(h, data) != IoResult::kOk) return false;
  p.next_seq_ = f.seq + 1;
  return true;
}

ReadStatus Port::Read(Frame* f, int timeout_ms) {
  internal::PortImpl& p = *impl_;
  if (!p.buf_) p.buf_.reset(new unsigned char[kMaxPayload]);
  FrameHeader h;
  switch (p.end_->Read(&h, p.buf_.get(), timeout_ms)) {
    case IoResult::kOk:
      break;
    case IoResult::kEof:
      return ReadStatus::kEnd;
    case IoResult::kPeerGone:
      return ReadStatus::kPeerGone;
    case IoResult::kCorrupt:
      return ReadStatus::kFramingLost;
    case IoResult::kTimeout:
      return ReadStatus::kTimeout;
  }
  f->seq = h.seq;
  f->checksum = h.checksum;
  f->bytes =
      std::string_view(reinterpret_cast<const char*>(p.buf_.get()), h.length);
  f->expected_seq = p.expect_seq_;
  p.expect_seq_ = h.seq + 1;
  // The payload against its checksum, then the sequence, each failure an
  // event of the worker (the channel's queue then, and the seq or the gap).
  WorkerContext* w = WorkerContext::Current();
  const int ch = p.end_->channel();
  if (Checksum(p.buf_.get(), h.length) != h.checksum) {
    if (w) w->Event(EventKind::kChecksumError, ch, p.end_->Queued(), h.seq);
    return ReadStatus::kBadChecksum;
  }
  if (h.seq != f->expected_seq) {
    if (w)
      w->Event(EventKind::kSequenceError, ch, p.end_->Queued(),
               int64_t(h.seq) - int64_t(f->expected_seq));
    return ReadStatus::kOutOfSequence;
  }
  return ReadStatus::kOk;
}

std::optional<std::string> Port::Receive() { return Receive(-1); }

std::optional<std::string> Port::Receive(int timeout_ms) {
  timed_out_ = false;
  Frame f;
  switch (Read(&f, timeout_ms)) {
    case ReadStatus::kOk:
      return std::string(f.bytes);
    case ReadStatus::kTimeout:
      timed_out_ = true;
      break;
    case ReadStatus::kBadChecksum:
    case ReadStatus::kOutOfSequence:
    case ReadStatus::kFramingLost:
      corrupt_ = true;
      break;
    case ReadStatus::kEnd:
    case ReadStatus::kPeerGone:
      break;
  }
  return std::nullopt;
}

void Port::Close() { impl_->end_->Close(); }

uint64_t Port::next_seq() const {
  return impl_->out_ ? impl_->next_seq_ : impl_->expect_seq_;
}

uint64_t Port::expected_messages() const { return impl_->config_.messages; }

std::string Port::LastEvent() const {
  char what[128];  // as long as a built-in worker's account of it
  DescribeLastEvent(*impl_->end_, impl_->config_, what, sizeof what);
  return what;
}

namespace {

bool Ends(ReadStatus s) {
  return s == ReadStatus::kEnd || s == ReadStatus::kPeerGone ||
         s == ReadStatus::kFramingLost;
}

}  // namespace

AnyInput::AnyInput(std::vector<Port*> ports)
    : ports_(std::move(ports)),
      open_(ports_.size(), true),
      n_open_(ports_.size()) {}

int AnyInput::Read(Frame* f, ReadStatus* status) {
  for (;;) {
    if (!in_round_) {
      if (n_open_ == 0) return -1;
      // Several open: a round that follows one which found data tries
      // every port again without waiting, so a silent port never slows the
      // live ones; only after a silent round does each read wait up to
      // 5 ms. The last one open is read blocking, so the wait names it.
      slice_ms_ = n_open_ > 1 ? (silent_since_ ? 5 : 0) : -1;
      silent_ = true;
      in_round_ = true;
      next_ = 0;
    }
    while (next_ < ports_.size()) {
      const size_t k = next_++;
      if (!open_[k]) continue;
      const ReadStatus s = ports_[k]->Read(f, slice_ms_);
      if (s == ReadStatus::kTimeout) continue;
      silent_ = false;
      if (Ends(s)) {
        open_[k] = false;
        --n_open_;
      }
      *status = s;
      return int(k);
    }
    // The round is over: while every open port stays silent, a wait for
    // any of them, dated from the first silent round; withdrawn when one
    // speaks.
    in_round_ = false;
    if (WorkerContext* w = WorkerContext::Current())
      w->AnyInputRound(silent_ && n_open_ > 1, &silent_since_);
  }
}

void SharedLock::lock() { AcquireLock(ctx_->w_, index_); }
void SharedLock::unlock() { ReleaseLock(ctx_->w_, index_); }

void FillStreamPayload(uint64_t seed, uint64_t seq, void* out, size_t n) {
  FillPayload(seed, seq, static_cast<unsigned char*>(out), n);
}

void StreamDigest::Add(std::string_view bytes) {
  value_ =
      DigestStep(value_, reinterpret_cast<const unsigned char*>(bytes.data()),
                 bytes.size());
}
static_assert(StreamDigest().value() == kDigestInit);
static_assert(kMaxMessageBytes == kMaxPayload);

const std::string& Context::name() const { return impl_->name_; }
const std::string& Context::group() const { return impl_->group_; }
Port& Context::In(std::string_view c) { return impl_->Find(c, false, false); }
Port& Context::Out(std::string_view c) { return impl_->Find(c, true, false); }
Port& Context::From(std::string_view p) { return impl_->Find(p, false, true); }
Port& Context::To(std::string_view p) { return impl_->Find(p, true, true); }
const std::vector<Port*>& Context::Inputs() const { return impl_->inputs_; }
const std::vector<Port*>& Context::Outputs() const { return impl_->outputs_; }

std::string Context::Config(std::string_view key,
                            std::string_view fallback) const {
  std::string_view all = impl_->w_.config().settings;
  while (!all.empty()) {
    size_t nl = all.find('\n');
    std::string_view line = all.substr(0, nl);
    size_t eq = line.find('=');
    if (eq != std::string_view::npos && line.substr(0, eq) == key)
      return std::string(line.substr(eq + 1));
    if (nl == std::string_view::npos) break;
    all.remove_prefix(nl + 1);
  }
  return std::string(fallback);
}

int64_t Context::ConfigInt(std::string_view key, int64_t fallback) const {
  std::string v = Config(key);
  if (v.empty()) return fallback;
  char* end = nullptr;
  long long x = strtoll(v.c_str(), &end, 0);
  return *end ? fallback : x;
}

uint64_t Context::messages() const { return impl_->w_.config().messages; }
uint32_t Context::payload() const { return impl_->w_.config().payload; }
uint64_t Context::interval_us() const { return impl_->w_.config().interval_us; }
uint64_t Context::seed() const { return impl_->w_.seed(); }

PeerPolicy Context::peer_policy() const {
  switch (impl_->w_.config().policy) {
    case Policy::kWait:
      return PeerPolicy::kWait;
    case Policy::kContinue:
      return PeerPolicy::kContinue;
    case Policy::kStop:
      break;
  }
  return PeerPolicy::kStop;
}

void Context::Log(const char* format, ...) {
  char line[512];
  va_list ap;
  va_start(ap, format);
  vsnprintf(line, sizeof line, format, ap);
  va_end(ap);
  fprintf(stderr, "%s: %s\n", impl_->name_.c_str(), line);
}

void Context::ReportOk() {
  impl_->end_ = EndReason::kCompleted;
  impl_->why_.clear();
  impl_->decided_by_ = -1;
}

void Context::ReportOk(std::string_view detail) {
  impl_->end_ = EndReason::kCompleted;
  impl_->why_ = std::string(detail);
  impl_->decided_by_ = -1;
}

void Context::ReportCorrupted(std::string_view reason, const Port* decided_by) {
  impl_->end_ = EndReason::kCorrupted;
  impl_->why_ = reason.empty() ? "reported corrupted" : std::string(reason);
  impl_->decided_by_ = impl_->Channel(decided_by);
}

void Context::ReportDisconnected(std::string_view what,
                                 const Port* decided_by) {
  impl_->end_ = EndReason::kDisconnected;
  impl_->why_ = what.empty() ? "a peer went away" : std::string(what);
  impl_->decided_by_ = impl_->Channel(decided_by);
}

bool Context::PeerLost(Port& port, std::string_view note) {
  const PeerPolicy policy = peer_policy();
  if (policy == PeerPolicy::kContinue) return true;
  std::string detail =
      policy == PeerPolicy::kWait ? "waits (policy wait) after " : "stopped: ";
  detail += port.LastEvent();
  detail += note;
  if (policy == PeerPolicy::kWait) WaitForever(port, detail);
  ReportDisconnected(detail, &port);
  return false;
}

void Context::WaitForever(Port& port, std::string_view detail) {
  // The slot keeps at most its detail's bytes, as Finish() does.
  char text[sizeof(WorkerSlot::detail)];
  std::snprintf(text, sizeof text, "%.*s", int(detail.size()), detail.data());
  impl_->w_.WaitForever(port.impl_->out_ ? BlockKind::kWrite : BlockKind::kRead,
                        port.impl_->end_->channel(),
                        detail.empty() ? nullptr : text);
}

SharedLock& Context::TrialLock(int index) {
  if (index != kLockA && index != kLockB) {
    fprintf(stderr, "faultlab: %s asked for trial lock %d; there are 0 and 1\n",
            impl_->name_.c_str(), index);
    abort();
  }
  return impl_->locks_[index];
}

void Context::SetDigest(uint64_t digest) {
  impl_->w_.slot().digest.store(digest);
}

void Context::RegisterState(void* data, size_t bytes) {
  (void)bytes;
  impl_->w_.slot().heap_addr.store(reinterpret_cast<uint64_t>(data));
}

void Context::Sleep(uint64_t microseconds) {
  WorkerContext& w = impl_->w_;
  w.Tick();  // an after_ms: 0 fault fires at once, before any sleep
  const uint64_t end = MonotonicNs() + microseconds * 1000;
  for (uint64_t now = MonotonicNs(); now < end; now = MonotonicNs()) {
    const uint64_t left = end - now;
    timespec ts{0, long(left < 20'000'000 ? left : 20'000'000)};
    nanosleep(&ts, nullptr);
    w.Tick();
  }
}

void Context::Progress(uint64_t n) {
  for (uint64_t i = 0; i < n; ++i) impl_->w_.OnMessage();
}

void Context::CountBadMessage(uint64_t n) {
  impl_->w_.slot().bad_messages.fetch_add(n);
}

uint64_t Context::bad_messages() const {
  return impl_->w_.slot().bad_messages.load();
}

}  // namespace faultlab
