#include "workers/message.h"

#include <cstring>

namespace faultlab {
namespace {

uint64_t Mix(uint64_t x) {  // splitmix64 finaliser
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

}  // namespace

uint32_t Checksum(const void* data, size_t n) {
  // FNV-1a, 32 bit: cheap and catches any changed byte pattern we inject.
  const auto* p = static_cast<const unsigned char*>(data);
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 16777619u;
  return h;
}

void FillPayload(uint64_t seed, uint64_t seq, unsigned char* out, size_t n) {
  uint64_t state = Mix(seed ^ Mix(seq));
  for (size_t i = 0; i < n; i += 8) {
    state = Mix(state);
    size_t k = n - i < 8 ? n - i : 8;
    std::memcpy(out + i, &state, k);
  }
}

FrameHeader MakeHeader(uint64_t seq, const unsigned char* payload, uint32_t n) {
  FrameHeader h{kFrameMagic, n, seq, Checksum(payload, n), 0};
  h.header_check = Checksum(&h, offsetof(FrameHeader, header_check));
  return h;
}

bool HeaderValid(const FrameHeader& h) {
  return h.magic == kFrameMagic && h.length <= kMaxPayload &&
         h.header_check == Checksum(&h, offsetof(FrameHeader, header_check));
}

uint64_t DigestStep(uint64_t digest, const unsigned char* payload, size_t n) {
  for (size_t i = 0; i < n; ++i)
    digest = (digest ^ payload[i]) * 0x100000001b3ull;
  return digest;
}

uint64_t ExpectedStreamDigest(uint64_t seed, uint64_t count, uint32_t payload) {
  unsigned char buf[kMaxPayload];
  uint64_t d = kDigestInit;
  for (uint64_t s = 0; s < count; ++s) {
    FillPayload(seed, s, buf, payload);
    d = DigestStep(d, buf, payload);
  }
  return d;
}

}  // namespace faultlab
