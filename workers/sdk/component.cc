// The component SDK on top of the worker runtime: a Context is a view of the
// worker's WorkerContext, a Port of one of its ChannelEnds. Components run
// through the same slot, channel ends, waits and fault firing as the
// built-in roles, so the supervisor needs no second path to judge them.
#include "faultlab/component.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <cstring>
#include <memory>
#include <vector>

#include "workers/channel.h"
#include "workers/message.h"
#include "workers/sdk/components.h"
#include "workers/worker_context.h"

namespace faultlab {
namespace internal {

class PortImpl {
 public:
  explicit PortImpl(ChannelEnd* end) : end_(end) {}
  ChannelEnd* end_;
  uint64_t next_seq_ = 0;    // frames sent on this end
  uint64_t expect_seq_ = 0;  // frames received on this end
  std::unique_ptr<unsigned char[]> buf_{new unsigned char[kMaxPayload]};
};

class ContextImpl {
 public:
  explicit ContextImpl(WorkerContext& w) : w_(w), api_(this) {
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

  WorkerContext& w_;
  Context api_;
  std::string name_, group_;
  EndReason end_ = EndReason::kCompleted;
  std::string why_;  // the reported reason
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
    e.impl = std::make_unique<PortImpl>(end);
    e.port.reset(new Port(e.impl.get(), c.name));
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
  w.Finish(impl.end_, -1,
           impl.why_.empty() ? "returned; reported ok" : impl.why_.c_str());
}

}  // namespace internal

bool Port::Send(std::string_view bytes) {
  internal::PortImpl& p = *impl_;
  if (bytes.size() > kMaxPayload) return false;
  const auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
  FrameHeader h = MakeHeader(p.next_seq_, data, uint32_t(bytes.size()));
  if (p.end_->Write(h, data) != IoResult::kOk) return false;
  ++p.next_seq_;
  return true;
}

std::optional<std::string> Port::Receive() { return Receive(-1); }

std::optional<std::string> Port::Receive(int timeout_ms) {
  internal::PortImpl& p = *impl_;
  timed_out_ = false;
  FrameHeader h;
  IoResult r = p.end_->Read(&h, p.buf_.get(), timeout_ms);
  if (r == IoResult::kTimeout) timed_out_ = true;
  if (r == IoResult::kCorrupt) corrupt_ = true;
  if (r != IoResult::kOk) return std::nullopt;
  // The checks a built-in sink makes (workers/roles.cc), with the same
  // events: the payload against its checksum, then the sequence.
  const uint64_t expected = p.expect_seq_;
  p.expect_seq_ = h.seq + 1;
  WorkerContext* w = WorkerContext::Current();
  const int ch = p.end_->channel();
  if (Checksum(p.buf_.get(), h.length) != h.checksum) {
    if (w) w->Event(EventKind::kChecksumError, ch, p.end_->Queued(), h.seq);
    corrupt_ = true;
    return std::nullopt;
  }
  if (h.seq != expected) {
    if (w)
      w->Event(EventKind::kSequenceError, ch, p.end_->Queued(),
               int64_t(h.seq) - int64_t(expected));
    corrupt_ = true;
    return std::nullopt;
  }
  return std::string(reinterpret_cast<const char*>(p.buf_.get()), h.length);
}

const std::string& Context::name() const { return impl_->name_; }
const std::string& Context::group() const { return impl_->group_; }
Port& Context::In(std::string_view c) { return impl_->Find(c, false, false); }
Port& Context::Out(std::string_view c) { return impl_->Find(c, true, false); }
Port& Context::From(std::string_view p) { return impl_->Find(p, false, true); }
Port& Context::To(std::string_view p) { return impl_->Find(p, true, true); }

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
}

void Context::ReportOk(std::string_view detail) {
  impl_->end_ = EndReason::kCompleted;
  impl_->why_ = std::string(detail);
}

void Context::ReportCorrupted(std::string_view reason) {
  impl_->end_ = EndReason::kCorrupted;
  impl_->why_ = reason.empty() ? "reported corrupted" : std::string(reason);
}

void Context::ReportDisconnected(std::string_view what) {
  impl_->end_ = EndReason::kDisconnected;
  impl_->why_ = what.empty() ? "a peer went away" : std::string(what);
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

}  // namespace faultlab
