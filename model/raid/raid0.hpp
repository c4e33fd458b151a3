#pragma once
// TEMPORARY stand-in until the scsi branch's Raid0 lands (same shape).
#include <cstdint>
#include <vector>
namespace iosim {
struct Raid0Piece { int member; uint64_t lba; uint32_t blocks; uint32_t offset; };
class Raid0Map {
public:
  Raid0Map(int members, uint64_t member_blocks, uint64_t stripe_blocks)
      : n_(members), stripe_(stripe_blocks), per_member_(member_blocks / stripe_blocks * stripe_blocks) {}
  uint64_t capacity_blocks() const { return per_member_ * uint64_t(n_); }
  std::vector<Raid0Piece> map(uint64_t lba, uint32_t blocks) const {
    std::vector<Raid0Piece> v;
    uint32_t off = 0;
    while (blocks) {
      const uint64_t su = lba / stripe_, in = lba % stripe_;
      const uint32_t n = uint32_t(std::min<uint64_t>(blocks, stripe_ - in));
      v.push_back({int(su % uint64_t(n_)), (su / uint64_t(n_)) * stripe_ + in, n, off});
      lba += n; blocks -= n; off += n;
    }
    return v;
  }
  int members() const { return n_; }
private:
  int n_; uint64_t stripe_, per_member_;
};
}
