#include "model/raid/raid0.hpp"

#include "model/common/split_join.hpp"

#include <algorithm>
#include <stdexcept>

namespace iosim {

Raid0Geometry make_raid0_geometry(const std::vector<uint64_t>& caps, uint64_t stripe_bytes) {
  if (caps.empty()) throw std::invalid_argument("raid0: no members");
  if (stripe_bytes == 0 || stripe_bytes % kSectorBytes != 0)
    throw std::invalid_argument("raid0: stripe unit must be a positive multiple of 512 bytes, got " +
                                std::to_string(stripe_bytes));
  Raid0Geometry g;
  g.members = uint32_t(caps.size());
  g.stripe_blocks = stripe_bytes / kSectorBytes;
  const uint64_t smallest = *std::min_element(caps.begin(), caps.end());
  g.member_capacity_blocks = smallest / g.stripe_blocks * g.stripe_blocks;
  return g;
}

std::vector<Raid0Piece> raid0_map(const Raid0Geometry& g, uint64_t lba, uint32_t blocks) {
  std::vector<Raid0Piece> out;
  raid0_map(g, lba, blocks, out);
  return out;
}

void raid0_map(const Raid0Geometry& g, uint64_t lba, uint32_t blocks, std::vector<Raid0Piece>& out) {
  out.clear();
  if (g.members == 0 || g.stripe_blocks == 0) throw std::invalid_argument("raid0: empty geometry");
  if (lba > g.capacity_blocks() || blocks > g.capacity_blocks() - lba)
    throw std::out_of_range("raid0: request [" + std::to_string(lba) + ", +" + std::to_string(blocks) +
                            ") beyond capacity " + std::to_string(g.capacity_blocks()));
  uint64_t pos = lba, done = 0;
  while (done < blocks) {
    const uint64_t unit = pos / g.stripe_blocks, within = pos % g.stripe_blocks;
    Raid0Piece p;
    p.member = uint32_t(unit % g.members);
    p.member_lba = (unit / g.members) * g.stripe_blocks + within;
    p.blocks = uint32_t(std::min<uint64_t>(blocks - done, g.stripe_blocks - within));
    p.offset_blocks = done;
    out.push_back(p);
    pos += p.blocks;
    done += p.blocks;
  }
}

Raid0Volume::Raid0Volume(sc_core::sc_module_name name, const std::vector<uint64_t>& caps, uint64_t stripe_bytes)
    : sc_module(name), members("members"), geo_(make_raid0_geometry(caps, stripe_bytes)) {}

void Raid0Volume::end_of_elaboration() {
  if (uint32_t(members.size()) != geo_.members)
    throw std::invalid_argument(std::string(name()) + ": " + std::to_string(members.size()) +
                                " members bound, geometry has " + std::to_string(geo_.members));
}

void Raid0Volume::submit(IoRequest& req) {
  ++requests_;
  if (req.lba > geo_.capacity_blocks() || req.blocks > geo_.capacity_blocks() - req.lba) {
    ++errors_;
    req.status = kStatusCheckCondition;
    req.on_done(req);
    return;
  }
  const auto map = raid0_map(geo_, req.lba, req.blocks);
  if (map.empty()) {  // zero-length request: nothing to move
    req.status = 0;
    req.on_done(req);
    return;
  }
  pieces_issued_ += map.size();
  if (map.size() > 1) ++split_;
  ++in_flight_;
  req.status = 0;
  // Build every piece before submitting any: a member may complete a piece
  // synchronously (e.g. an error), which must not see a half-built parent.
  std::vector<IoRequest*> pieces;
  split_request(req, map, pieces_, pieces);
  for (IoRequest* c : pieces) c->on_done = [this](IoRequest& piece) { piece_done(piece); };
  for (IoRequest* c : pieces) members[int(c->ext<MemberIndex>().member)]->submit(*c);
}

// The piece goes back to the pool inside its own completion: nothing of it
// (nor of this callback's captures) is touched after join_piece.
void Raid0Volume::piece_done(IoRequest& piece) {
  if (piece.status != 0) ++errors_;
  if (IoRequest* parent = join_piece(piece, pieces_)) {
    --in_flight_;
    parent->on_done(*parent);
  }
}

void Raid0Volume::reset_stats() { requests_ = split_ = pieces_issued_ = errors_ = 0; }

void Raid0Volume::report(Stats& out, double window_s) const {
  (void)window_s;
  const std::string name_ = name();
  StatGroup g = out.group(name_, "raid0");
  g.add("requests", double(requests_), "count", StatKind::Counter, "parent requests submitted");
  g.add("requests_split", double(split_), "count", StatKind::Counter, "parents that crossed a stripe boundary");
  g.add("pieces", double(pieces_issued_), "count", StatKind::Counter, "member requests issued");
  g.add("pieces_per_request", requests_ ? double(pieces_issued_) / double(requests_) : 0.0, "count", StatKind::Distribution, "mean member requests per parent");
  g.add("errors", double(errors_), "count", StatKind::Counter, "parents or pieces completed with an error");
}

} // namespace iosim
