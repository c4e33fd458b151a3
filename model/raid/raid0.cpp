#include "model/raid/raid0.hpp"

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
  if (g.members == 0 || g.stripe_blocks == 0) throw std::invalid_argument("raid0: empty geometry");
  if (lba > g.capacity_blocks() || blocks > g.capacity_blocks() - lba)
    throw std::out_of_range("raid0: request [" + std::to_string(lba) + ", +" + std::to_string(blocks) +
                            ") beyond capacity " + std::to_string(g.capacity_blocks()));
  std::vector<Raid0Piece> out;
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
  return out;
}

// One parent request in flight and the children it was split into. Children
// live here (not on anybody's stack) until the parent has completed.
struct Raid0Volume::Parent {
  IoRequest* req = nullptr;
  std::vector<std::unique_ptr<IoRequest>> kids;
  size_t remaining = 0;
  int status = 0;
  std::list<std::unique_ptr<Parent>>::iterator self;
};

Raid0Volume::Raid0Volume(std::string name, std::vector<BlockDevice*> members, uint64_t stripe_bytes)
    : name_(std::move(name)), members_(std::move(members)) {
  std::vector<uint64_t> caps;
  for (auto* m : members_) {
    if (!m) throw std::invalid_argument("raid0 " + name_ + ": null member");
    caps.push_back(m->capacity_blocks());
  }
  geo_ = make_raid0_geometry(caps, stripe_bytes);
}

Raid0Volume::~Raid0Volume() = default;

void Raid0Volume::reap() {
  if (callback_depth_ == 0) retired_.clear();
}

void Raid0Volume::submit(IoRequest& req) {
  reap();
  ++requests_;
  if (req.lba > geo_.capacity_blocks() || req.blocks > geo_.capacity_blocks() - req.lba) {
    ++errors_;
    req.status = kStatusCheckCondition;
    req.on_done(req);
    return;
  }
  const auto pieces = raid0_map(geo_, req.lba, req.blocks);
  if (pieces.empty()) {  // zero-length request: nothing to move
    req.status = 0;
    req.on_done(req);
    return;
  }
  pieces_ += pieces.size();
  if (pieces.size() > 1) ++split_;

  live_.push_back(std::make_unique<Parent>());
  Parent* p = live_.back().get();
  p->self = std::prev(live_.end());
  p->req = &req;
  p->remaining = pieces.size();
  // Build every child before submitting any: a member may complete a piece
  // synchronously (e.g. an error), which must not see a half-built parent.
  for (size_t i = 0; i < pieces.size(); ++i) {
    auto c = std::make_unique<IoRequest>();
    c->id = req.id;  // same id: one request can be followed through every hop
    c->op = req.op;
    c->lba = pieces[i].member_lba;
    c->blocks = pieces[i].blocks;
    c->host_buffer = req.host_buffer + pieces[i].offset_blocks * kSectorBytes;
    c->tag = i;
    c->t_issue = req.t_issue;
    c->on_done = [this, p](IoRequest& child) { piece_done(p, child); };
    p->kids.push_back(std::move(c));
  }
  for (size_t i = 0; i < pieces.size(); ++i) members_[pieces[i].member]->submit(*p->kids[i]);
}

void Raid0Volume::piece_done(Parent* p, IoRequest& child) {
  if (child.status != 0 && p->status == 0) p->status = child.status;
  if (child.status != 0) ++errors_;
  if (p->remaining == 0) throw std::logic_error("raid0 " + name_ + ": piece completed twice");
  if (--p->remaining > 0) return;
  // Last piece: retire the parent (its children's callbacks may still be on
  // the stack, so it is freed later by reap()), then complete it.
  IoRequest& parent = *p->req;
  parent.status = p->status;
  retired_.splice(retired_.end(), live_, p->self);
  ++callback_depth_;
  parent.on_done(parent);
  --callback_depth_;
}

void Raid0Volume::reset_stats() { requests_ = split_ = pieces_ = errors_ = 0; }

void Raid0Volume::report(Stats& out, double window_s) const {
  (void)window_s;
  out.put(name_ + ".requests", double(requests_), "count", "parent requests submitted");
  out.put(name_ + ".requests_split", double(split_), "count", "parents that crossed a stripe boundary");
  out.put(name_ + ".pieces", double(pieces_), "count", "member requests issued");
  out.put(name_ + ".pieces_per_request", requests_ ? double(pieces_) / double(requests_) : 0.0, "1",
          "mean member requests per parent");
  out.put(name_ + ".errors", double(errors_), "count", "parents or pieces completed with an error");
}

} // namespace iosim
