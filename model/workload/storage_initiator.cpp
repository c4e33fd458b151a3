#include "model/workload/storage_initiator.hpp"

#include <algorithm>
#include <stdexcept>

using namespace sc_core;

namespace iosim {

StorageInitiator::StorageInitiator(sc_module_name name, uint64_t capacity_blocks, const AccessParams& ap,
                                   int queue_depth, double rate_per_s, uint64_t seed, RequestLedger& ledger,
                                   uint64_t max_outstanding)
    : sc_module(name), IoTally(std::string(sc_module::name()), ledger), device("device"),
      pattern_(ap, capacity_blocks, Rng(seed, std::string(sc_module::name()))),
      gaps_(seed, std::string(sc_module::name()) + ".gaps"), qd_(queue_depth), rate_(rate_per_s),
      max_outstanding_(max_outstanding) {
  if (qd_ <= 0 && rate_ <= 0) throw std::invalid_argument("storage workload needs a queue depth or a rate");
  if (max_outstanding_ == 0) throw std::invalid_argument("storage workload needs max_outstanding >= 1");
  if (qd_ > 0) {
    SC_METHOD(start_closed);
  } else {
    SC_THREAD(arrivals);
  }
}

void StorageInitiator::launch(IoRequest& r) {
  pattern_.fill(r);
  r.status = 0;
  issue(r);
  peak_ = std::max(peak_, ++in_flight_);
  r.on_done = [this](IoRequest& q) {
    --in_flight_;
    done(q);
    if (qd_ > 0 && !stopping_) launch(q);  // closed loop: the slot goes straight back
    else pool_.release(q);
  };
  device->submit(r);
}

void StorageInitiator::start_closed() {
  for (int i = 0; i < qd_; ++i) launch(pool_.acquire());
}

void StorageInitiator::arrivals() {
  const double gap = 1.0 / rate_;
  while (!stopping_) {
    wait(sc_time(gaps_.exponential(gap), SC_SEC));
    if (stopping_) break;
    if (in_flight_ >= max_outstanding_) ++dropped_;  // never issued: not in the ledger
    else launch(pool_.acquire());
  }
}

void StorageInitiator::reset_stats() {
  IoTally::reset_stats();
  dropped_ = 0;
  peak_ = in_flight_;
}

void StorageInitiator::report(Stats& out, double window_s) const {
  IoTally::report(out, window_s);
  if (qd_ > 0) return;  // closed loop: nothing is ever dropped
  StatGroup g = out.group(sc_module::name(), "workload");
  g.add("dropped", double(dropped_), "count", StatKind::Counter,
        "open-loop arrivals dropped at workload.max_outstanding requests in flight");
  g.add("outstanding.max", double(peak_), "count", StatKind::Level, "most requests in flight at once");
}

} // namespace iosim
