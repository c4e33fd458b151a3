#pragma once
// SCAN-EDF (Reddy & Wyllie, "Disk scheduling in a multimedia I/O system", ACM
// Multimedia 1993): earliest deadline first, and requests with the same
// deadline served in seek order. Here "the same deadline" is the same quantum
// of time (deadline / quantum, integer division; quantum 0 = equal deadlines
// only): a coarser quantum trades deadline order for shorter seeks. Inside a
// class the order is the elevator's one-way sweep from the end of the last
// request dispatched (wrapping to the lowest sector). A request without a
// deadline (zero) is in a class after every deadline.
#include "model/common/io_sched.hpp"

#include <limits>
#include <map>

namespace iosim {

class ScanEdfSched : public IoSchedIf {
public:
  explicit ScanEdfSched(double quantum_s)
      : quantum_ps_(quantum_s > 0 ? sc_core::sc_time(quantum_s, sc_core::SC_SEC).value() : 0) {}
  void add(IoRequest& r) override {
    classes_[class_of(r)].emplace(r.lba, &r);
    ++n_;
  }
  IoRequest* next(sc_core::sc_time now) override {
    if (classes_.empty()) return nullptr;
    auto cls = classes_.begin();
    auto& q = cls->second;
    auto it = q.lower_bound(head_);
    if (it == q.end()) it = q.begin();
    IoRequest* r = it->second;
    q.erase(it);
    if (q.empty()) classes_.erase(cls);
    --n_;
    sweeps_.dispatched(*r, head_, now);
    head_ = r->lba + r->blocks;
    return r;
  }
  size_t waiting() const override { return n_; }
  const RoundLog* rounds() const override { return &sweeps_.log; }
  void reset_stats() override { sweeps_.log.reset(); }

private:
  uint64_t class_of(const IoRequest& r) const {
    if (r.deadline == sc_core::SC_ZERO_TIME) return std::numeric_limits<uint64_t>::max();
    const uint64_t d = r.deadline.value();  // in units of the time resolution
    return quantum_ps_ ? d / quantum_ps_ : d;
  }
  uint64_t quantum_ps_;  // in units of the time resolution (1 ps)
  std::map<uint64_t, std::multimap<uint64_t, IoRequest*>> classes_;  // class -> sector -> request
  size_t n_ = 0;
  SweepLog sweeps_;
  uint64_t head_ = 0;
};

}  // namespace iosim
