// Message framing shared by every channel kind and by the supervisor, which
// recomputes the digest a correct sink must end with.
//
// A frame is a fixed header followed by `length` payload bytes. The payload
// of message `seq` is a pure function of (seed, seq), so any sink that got
// every message, in order and intact, ends with the same digest.
#ifndef FAULTLAB_WORKERS_MESSAGE_H_
#define FAULTLAB_WORKERS_MESSAGE_H_

#include <cstddef>
#include <cstdint>

namespace faultlab {

inline constexpr uint32_t kFrameMagic = 0x464c4d31;  // "FLM1"
inline constexpr uint32_t kMaxPayload = 65536;

struct FrameHeader {
  uint32_t magic;
  uint32_t length;        // payload bytes
  uint64_t seq;           // 0-based, per stream
  uint32_t checksum;      // of the payload
  uint32_t header_check;  // of the three fields above
};
static_assert(sizeof(FrameHeader) == 24);

uint32_t Checksum(const void* data, size_t n);
// Fills `out` with message `seq`'s payload.
void FillPayload(uint64_t seed, uint64_t seq, unsigned char* out, size_t n);
FrameHeader MakeHeader(uint64_t seq, const unsigned char* payload, uint32_t n);
bool HeaderValid(const FrameHeader& h);
// Folds one verified payload into a running stream digest (order-sensitive).
uint64_t DigestStep(uint64_t digest, const unsigned char* payload, size_t n);
inline constexpr uint64_t kDigestInit = 0xcbf29ce484222325ull;
// The digest of a correct stream of `count` messages of `payload` bytes.
uint64_t ExpectedStreamDigest(uint64_t seed, uint64_t count, uint32_t payload);

}  // namespace faultlab

#endif  // FAULTLAB_WORKERS_MESSAGE_H_
