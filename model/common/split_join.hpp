#pragma once
// Split a request into per-member pieces and join their completions: the one
// helper that RAID0 (the md driver in the sync stack, the card's firmware, the
// storage-only Raid0Volume) uses. The parent counts its pieces; each piece
// points at its parent; the parent's status is the first error any piece
// reports. Pieces come from the caller's IoPool and go back to it on join.
#include "model/common/io_pool.hpp"

#include <stdexcept>

namespace iosim {

// Pieces: raid0_map()'s output (member, member_lba, blocks, offset_blocks).
// Fills `out` with one piece per member range, each acquired from `pool`,
// carrying the parent's id, op, issue time and the piece's member address,
// length and host-buffer offset; `member` is left in ext<MemberIndex>.
struct MemberIndex { uint32_t member; };

template <class Pieces, class Out>
void split_request(IoRequest& parent, const Pieces& pieces, IoPool& pool, Out& out) {
  if (parent.pieces_left != 0) throw std::logic_error("request split twice");
  parent.pieces_left = uint32_t(pieces.size());
  for (const auto& x : pieces) {
    IoRequest& c = pool.acquire();
    c.id = parent.id;  // same id: one request can be followed through every hop
    c.op = parent.op;
    c.lba = x.member_lba;
    c.blocks = x.blocks;
    c.host_buffer = parent.host_buffer + uint64_t(x.offset_blocks) * kSectorBytes;
    c.t_issue = parent.t_issue;
    c.origin = parent.origin;
    c.deadline = parent.deadline;
    c.parent = &parent;
    c.ext<MemberIndex>().member = x.member;
    out.push_back(&c);
  }
}

// A piece is back: passes its status up, returns it to the pool and returns
// the parent if this was its last piece (nullptr otherwise).
inline IoRequest* join_piece(IoRequest& piece, IoPool& pool) {
  IoRequest* p = piece.parent;
  if (!p || p->pieces_left == 0) throw std::logic_error("piece completed twice or without a parent");
  if (piece.status != 0 && p->status == 0) p->status = piece.status;
  pool.release(piece);
  return --p->pieces_left == 0 ? p : nullptr;
}

} // namespace iosim
