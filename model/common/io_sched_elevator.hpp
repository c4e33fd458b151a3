#pragma once
// Linux 2.4's elevator as the sync driver has always run it: pending requests
// sorted by sector; the sweep takes the next sector at or above the end of
// the last one dispatched, wrapping to the lowest (a one-way sweep, C-LOOK).
// Equal sectors go in arrival order (std::multimap keeps insertion order).
#include "model/common/io_sched.hpp"

#include <map>

namespace iosim {

class ElevatorSched : public IoSchedIf {
public:
  void add(IoRequest& r) override { q_.emplace(r.lba, &r); }
  IoRequest* next(sc_core::sc_time now) override {
    if (q_.empty()) return nullptr;
    auto it = q_.lower_bound(head_);
    if (it == q_.end()) it = q_.begin();
    IoRequest* r = it->second;
    q_.erase(it);
    sweeps_.dispatched(*r, head_, now);
    head_ = r->lba + r->blocks;
    return r;
  }
  size_t waiting() const override { return q_.size(); }
  const RoundLog* rounds() const override { return &sweeps_.log; }
  void reset_stats() override { sweeps_.log.reset(); }

private:
  std::multimap<uint64_t, IoRequest*> q_;
  SweepLog sweeps_;
  uint64_t head_ = 0;  // end of the last dispatched request: the sweep goes up from here
};

}  // namespace iosim
