#pragma once
// Where the next request goes: random (uniform over the whole space, as the
// paper's test program) or sequential; its size; read or write. One object per
// issuing stream, with its own RNG stream.
#include "model/common/io_request.hpp"
#include "model/common/rng.hpp"

#include <stdexcept>
#include <string>

namespace iosim {

struct AccessParams {
  uint64_t block_bytes = 4096;     // request size
  uint64_t align_bytes = 4096;     // start offsets are multiples of this (raw/O_DIRECT: page)
  bool sequential = false;
  double write_fraction = 0;       // 0 = all reads (the paper)
};

class AccessPattern {
public:
  AccessPattern(const AccessParams& p, uint64_t capacity_blocks, Rng rng)
      : p_(p), rng_(rng), cap_(capacity_blocks) {
    if (p.block_bytes == 0 || p.block_bytes % kSectorBytes) throw std::invalid_argument("block size must be a multiple of 512 B");
    if (p.align_bytes == 0 || p.align_bytes % kSectorBytes) throw std::invalid_argument("alignment must be a multiple of 512 B");
    blocks_ = uint32_t(p.block_bytes / kSectorBytes);
    align_ = p.align_bytes / kSectorBytes;
    if (cap_ < blocks_) throw std::invalid_argument("device smaller than one request");
    slots_ = (cap_ - blocks_) / align_ + 1;
    next_seq_ = rng_.below(slots_) * align_;
  }
  void fill(IoRequest& r) {
    r.blocks = blocks_;
    r.op = (p_.write_fraction > 0 && rng_.uniform01() < p_.write_fraction) ? IoOp::Write : IoOp::Read;
    if (p_.sequential) {
      if (next_seq_ + blocks_ > cap_) next_seq_ = 0;
      r.lba = next_seq_;
      next_seq_ += blocks_;
    } else {
      r.lba = rng_.below(slots_) * align_;
    }
  }
  uint32_t blocks() const { return blocks_; }
  Rng& rng() { return rng_; }

private:
  AccessParams p_;
  Rng rng_;
  uint64_t cap_, align_ = 1, slots_ = 1, next_seq_ = 0;
  uint32_t blocks_ = 0;
};

} // namespace iosim
