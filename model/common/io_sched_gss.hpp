#pragma once
// Grouped sweeping scheduling (Yu, Chen & Kandlur, "Grouped sweeping
// scheduling for DASD-based multimedia storage management", Multimedia
// Systems 1(3):99-109, 1993) and round-based service (its g = 1 case).
//
// A round takes, from the pending requests in arrival order, the first one of
// each stream (IoRequest::origin): one request per stream per round. The
// streams are partitioned into g groups by origin mod g (the paper assigns a
// stream to any group with room; a fixed rule keeps runs deterministic and
// groups balanced when origins are consecutive stream indexes). Groups are
// served in fixed order 0..g-1; a group's requests go out in ascending sector
// order (one sweep, C-SCAN); the next group starts when every request of the
// current one has completed, and the next round when the last group has.
// Requests arriving meanwhile, and a stream's further requests, wait.
#include "model/common/io_sched.hpp"

#include <algorithm>
#include <deque>
#include <set>
#include <vector>

namespace iosim {

class GssSched : public IoSchedIf {
public:
  explicit GssSched(uint32_t groups) : groups_(std::max<uint32_t>(1, groups)), round_(groups_) {}

  void add(IoRequest& r) override { pending_.push_back(&r); }

  IoRequest* next(sc_core::sc_time now) override {
    if (!in_round_ && !start_round(now)) return nullptr;
    auto& grp = round_[group_];
    if (pos_ >= grp.size()) return nullptr;  // the group's sweep is out: wait for its completions
    ++out_;
    return grp[pos_++];
  }

  void completed(IoRequest&, sc_core::sc_time now) override {
    if (!in_round_ || out_ == 0) return;  // not one of this round's (cannot happen when used as documented)
    if (--out_ || pos_ < round_[group_].size()) return;
    // The group is done: on to the next non-empty group, or the round ends.
    do ++group_; while (group_ < groups_ && round_[group_].empty());
    pos_ = 0;
    if (group_ < groups_) return;
    log_.add(round_n_, round_bytes_, (now - round_start_).to_seconds());
    in_round_ = false;
  }

  size_t waiting() const override {
    size_t n = pending_.size();
    if (in_round_)
      for (uint32_t g = group_; g < groups_; ++g) n += round_[g].size() - (g == group_ ? pos_ : 0);
    return n;
  }
  const RoundLog* rounds() const override { return &log_; }
  void reset_stats() override { log_.reset(); }

private:
  bool start_round(sc_core::sc_time now) {
    if (pending_.empty()) return false;
    for (auto& g : round_) g.clear();
    std::set<uint32_t> streams;
    round_n_ = 0;
    round_bytes_ = 0;
    for (auto it = pending_.begin(); it != pending_.end();) {
      IoRequest* r = *it;
      if (!streams.insert(r->origin).second) { ++it; continue; }  // the stream already has one this round
      round_[r->origin % groups_].push_back(r);
      ++round_n_;
      round_bytes_ += r->bytes();
      it = pending_.erase(it);
    }
    for (auto& g : round_)
      std::stable_sort(g.begin(), g.end(), [](const IoRequest* a, const IoRequest* b) { return a->lba < b->lba; });
    group_ = 0;
    while (round_[group_].empty()) ++group_;  // some group is not empty: pending_ was not
    pos_ = 0;
    out_ = 0;
    round_start_ = now;
    in_round_ = true;
    return true;
  }

  uint32_t groups_;
  std::deque<IoRequest*> pending_;            // not in the current round, arrival order
  std::vector<std::vector<IoRequest*>> round_;  // the current round's groups, each in sweep order
  uint32_t group_ = 0;   // group being served
  size_t pos_ = 0;       // its next request
  uint32_t out_ = 0;     // dispatched from the group, not yet completed
  bool in_round_ = false;
  sc_core::sc_time round_start_;
  uint32_t round_n_ = 0;
  uint64_t round_bytes_ = 0;
  RoundLog log_;
};

}  // namespace iosim
