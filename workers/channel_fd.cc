// Channel ends over a file descriptor: pipe, UNIX stream socket, TCP on
// loopback. The descriptor is switched to O_NONBLOCK so every wait goes
// through poll() in short slices (see ChannelEnd); SIGPIPE is ignored by the
// worker host, so a dead reader shows up here as EPIPE, never as a death.
#include <errno.h>
#include <fcntl.h>
#include <linux/sockios.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "workers/channel.h"
#include "workers/worker_context.h"

namespace faultlab {
namespace {

constexpr int kSliceMs = 20;

class FdChannelEnd : public ChannelEnd {
 public:
  FdChannelEnd(WorkerContext* ctx, int channel, int fd, bool writer,
               bool socket)
      : ChannelEnd(ctx, channel), fd_(fd), writer_(writer), socket_(socket) {
    fcntl(fd_, F_SETFL, fcntl(fd_, F_GETFL) | O_NONBLOCK);
  }
  ~FdChannelEnd() override { Close(); }

  IoResult Write(const FrameHeader& h, const unsigned char* payload) override {
    unsigned char buf[sizeof(FrameHeader) + kMaxPayload];
    std::memcpy(buf, &h, sizeof h);
    std::memcpy(buf + sizeof h, payload, h.length);
    size_t total = sizeof h + h.length, done = 0;
    FullWait w;
    while (done < total) {
      ssize_t n = write(fd_, buf + done, total - done);
      if (n > 0) {
        done += n;
        // Bytes moved: the reader is reading, so this is no wait (yet).
        // A frame larger than the pipe goes out in pieces, and its whole
        // transfer must not read as one long block.
        if (w.blocked_since) {
          w.blocked_since = 0;
          ctx_->SetBlocked(BlockKind::kNone, -1);
        }
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      const int err = n < 0 ? errno : 0;
      if (err == EPIPE || err == ECONNRESET) {
        // A frame cut short is reported first; the cause is the last word.
        if (done > 0) Record(EventKind::kShortWrite, Queued(), done);
        Record(err == EPIPE ? EventKind::kEpipe : EventKind::kEconnreset,
               Queued(), done);
        // A UNIX stream socket whose reader died with bytes unread answers
        // write() with EPIPE and keeps ECONNRESET as its pending error.
        if (err == EPIPE && socket_ && PendingError() == ECONNRESET)
          Record(EventKind::kEconnreset, Queued(), done);
        ctx_->SetBlocked(BlockKind::kNone, -1);
        return IoResult::kPeerGone;
      }
      if (err != EAGAIN) {
        Record(EventKind::kEpipe, Queued(), -err);
        ctx_->SetBlocked(BlockKind::kNone, -1);
        return IoResult::kPeerGone;
      }
      // Full: wait for room, keeping the heartbeat.
      FullWaitSlice(w, MonotonicNs(), Queued(), done);
      pollfd p{fd_, POLLOUT, 0};
      poll(&p, 1, kSliceMs);
      ctx_->Tick();
    }
    if (w.blocked_since) ctx_->SetBlocked(BlockKind::kNone, -1);
    return IoResult::kOk;
  }

  IoResult Read(FrameHeader* h, unsigned char* payload,
                int timeout_ms) override {
    size_t got = 0;
    IoResult r = ReadExact(reinterpret_cast<unsigned char*>(h), sizeof *h,
                           timeout_ms, &got);
    if (r == IoResult::kTimeout && got == 0) return r;
    if (r != IoResult::kOk) {
      if (got > 0) Record(EventKind::kShortRead, Queued(), got);
      return r == IoResult::kTimeout ? IoResult::kEof : r;
    }
    if (!HeaderValid(*h)) {
      Record(EventKind::kChecksumError, Queued(), -1);
      return IoResult::kCorrupt;  // the stream has lost its framing
    }
    got = 0;
    r = ReadExact(payload, h->length, -1, &got);
    if (r != IoResult::kOk) {
      Record(EventKind::kShortRead, Queued(), sizeof *h + got);
      return r;
    }
    return IoResult::kOk;
  }

  int64_t Queued() const override {
    if (fd_ < 0) return -1;
    int n = 0;
    unsigned long req = FIONREAD;
    if (socket_ && writer_) req = SIOCOUTQ;
    if (ioctl(fd_, req, &n) != 0) return -1;
    return n;
  }

  void Close() override {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
  }

 private:
  // Reads exactly n bytes. A timeout only applies before the first byte.
  IoResult ReadExact(unsigned char* dst, size_t n, int timeout_ms,
                     size_t* got) {
    EmptyWait w{MonotonicNs()};
    while (*got < n) {
      ssize_t k = read(fd_, dst + *got, n - *got);
      if (k > 0) {
        *got += k;
        if (w.blocked_since) {  // the writer is writing: no wait (yet)
          w.blocked_since = 0;
          ctx_->SetBlocked(BlockKind::kNone, -1);
        }
        continue;
      }
      if (k == 0) {
        Record(EventKind::kEof, 0, *got);
        if (w.blocked_since) ctx_->SetBlocked(BlockKind::kNone, -1);
        return IoResult::kEof;
      }
      if (errno == EINTR) continue;
      if (errno == ECONNRESET) {
        Record(EventKind::kEconnreset, 0, *got);
        if (w.blocked_since) ctx_->SetBlocked(BlockKind::kNone, -1);
        return IoResult::kPeerGone;
      }
      if (errno != EAGAIN) return IoResult::kPeerGone;
      uint64_t now = MonotonicNs();
      if (timeout_ms >= 0 && *got == 0 &&
          now - w.start >= uint64_t(timeout_ms) * 1000000) {
        if (w.blocked_since) ctx_->SetBlocked(BlockKind::kNone, -1);
        return IoResult::kTimeout;
      }
      int wait_ms = EmptyWaitSlice(w, timeout_ms >= 0 && *got == 0, timeout_ms,
                                   now, 0, *got, kSliceMs);
      pollfd p{fd_, POLLIN, 0};
      poll(&p, 1, wait_ms);
      ctx_->Tick();
    }
    if (w.blocked_since) ctx_->SetBlocked(BlockKind::kNone, -1);
    return IoResult::kOk;
  }

  int PendingError() const {
    int e = 0;
    socklen_t len = sizeof e;
    return getsockopt(fd_, SOL_SOCKET, SO_ERROR, &e, &len) == 0 ? e : 0;
  }

  int fd_;
  const bool writer_;
  const bool socket_;
};

}  // namespace

std::unique_ptr<ChannelEnd> OpenShmChannelEnd(WorkerContext* ctx, int channel,
                                              bool writer);

std::unique_ptr<ChannelEnd> OpenChannelEnd(WorkerContext* ctx, int channel,
                                           bool writer) {
  const ChannelConfig& c = ctx->sb().channels[channel];
  if (c.kind == ChannelKind::kShm)
    return OpenShmChannelEnd(ctx, channel, writer);
  int fd = ChannelFd(channel, writer ? 0 : 1);
  if (fcntl(fd, F_GETFD) < 0) return nullptr;
  return std::make_unique<FdChannelEnd>(ctx, channel, fd, writer,
                                        c.kind != ChannelKind::kPipe);
}

}  // namespace faultlab
