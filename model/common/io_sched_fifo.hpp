#pragma once
// Arrival order: what the card's firmware has always done (it handed every
// command to the SCSI controller as it took the request off the ring).
#include "model/common/io_sched.hpp"

#include <deque>

namespace iosim {

class FifoSched : public IoSchedIf {
public:
  void add(IoRequest& r) override { q_.push_back(&r); }
  IoRequest* next(sc_core::sc_time) override {
    if (q_.empty()) return nullptr;
    IoRequest* r = q_.front();
    q_.pop_front();
    return r;
  }
  size_t waiting() const override { return q_.size(); }

private:
  std::deque<IoRequest*> q_;
};

}  // namespace iosim
