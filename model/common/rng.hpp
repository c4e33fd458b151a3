#pragma once
// Deterministic random streams. Each component derives its own stream from the
// scenario seed and its hierarchical name, so adding a module never changes the
// draws of the others. Hand-written distributions: libstdc++'s are not
// guaranteed stable across versions, and results must be byte-identical.
#include <cmath>
#include <cstdint>
#include <string_view>

namespace iosim {

inline uint64_t splitmix64(uint64_t& x) {
  uint64_t z = (x += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

inline uint64_t fnv1a(std::string_view s) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : s) { h ^= c; h *= 0x100000001b3ull; }
  return h;
}

// xoshiro256**: small, fast, good enough for workload and mechanics draws.
class Rng {
public:
  Rng(uint64_t seed, std::string_view name) {
    uint64_t x = seed ^ fnv1a(name);
    for (auto& w : s_) w = splitmix64(x);
  }
  uint64_t next() {
    const uint64_t r = rotl(s_[1] * 5, 7) * 9, t = s_[1] << 17;
    s_[2] ^= s_[0]; s_[3] ^= s_[1]; s_[1] ^= s_[2]; s_[0] ^= s_[3];
    s_[2] ^= t; s_[3] = rotl(s_[3], 45);
    return r;
  }
  double uniform01() { return double(next() >> 11) * 0x1.0p-53; }       // [0,1)
  uint64_t below(uint64_t n) { return n ? uint64_t(uniform01() * double(n)) % n : 0; }
  double exponential(double mean) { return -mean * std::log1p(-uniform01()); }

private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

} // namespace iosim
