// ScsiInitiator: queueing without blocking, per-target and per-port limits,
// per-target FIFO order, every command completed exactly once.
#include <catch2/catch.hpp>

#include "model/common/ledger.hpp"
#include "model/common/rng.hpp"
#include "model/scsi/scsi_initiator.hpp"
#include "tests/test_scsi_fakes.hpp"

#include <memory>
#include <vector>

using namespace iosim;
using sc_core::sc_time;
using sc_core::SC_US;

namespace {
struct Burst : sc_core::sc_module {
  std::vector<BlockDevice*> devs;
  std::vector<IoRequest> reqs;
  std::vector<int> dev_of;
  RequestLedger ledger;
  sc_time submit_returned_at;
  Burst(sc_core::sc_module_name n, std::vector<BlockDevice*> d, int count) : sc_module(n), devs(std::move(d)) {
    Rng rng(42, "burst");
    reqs.resize(count);
    for (auto& r : reqs) {
      const int t = int(rng.below(devs.size()));
      dev_of.push_back(t);
      r.lba = rng.below(1 << 20);
      r.blocks = uint32_t(1 + rng.below(64));
      r.on_done = [this](IoRequest& done) { ledger.complete(done.id); };
    }
    SC_HAS_PROCESS(Burst);
    SC_THREAD(run);
  }
  void run() {
    wait(sc_time(1, SC_US));
    // All submitted at one instant from one thread: submit() must not block.
    for (size_t i = 0; i < reqs.size(); ++i) {
      reqs[i].id = ledger.issue();
      devs[dev_of[i]]->submit(reqs[i]);
    }
    submit_returned_at = sc_core::sc_time_stamp();
  }
};

// Checks the port limit each time any target receives a command.
struct PortWatch : ScsiTarget {
  test::FakeDisk& inner;
  const std::vector<std::unique_ptr<test::FakeDisk>>& all;
  int port_limit, worst = 0;
  PortWatch(test::FakeDisk& i, const std::vector<std::unique_ptr<test::FakeDisk>>& a, int lim)
      : inner(i), all(a), port_limit(lim) {}
  void command(IoRequest& r) override {
    inner.command(r);
    int sum = 0;
    for (auto& d : all) sum += d->at_target;
    worst = std::max(worst, sum);
  }
  uint64_t capacity_blocks() const override { return inner.capacity_blocks(); }
  int max_queue_depth() const override { return inner.max_queue_depth(); }
};
} // namespace

TEST_CASE("scsi initiator: limits, FIFO per target, exactly-once completion", "[scsi]") {
  ScsiBus bus("bus");
  ScsiInitiatorParams ip;
  ip.per_target_limit = 4;
  ip.port_limit = 7;
  ScsiInitiator init("init", ip);
  bind_scsi_initiator(bus, init);
  std::vector<std::unique_ptr<test::FakeDisk>> disks;
  std::vector<std::unique_ptr<PortWatch>> watches;
  std::vector<BlockDevice*> devs;
  for (int id = 0; id < 3; ++id) {
    test::FakeDiskParams dp;
    dp.burst_bytes = 4096;
    dp.queue_depth = id == 2 ? 2 : 64;  // target 2's own tagged-queue limit is tighter
    disks.push_back(std::make_unique<test::FakeDisk>(("disk" + std::to_string(id)).c_str(), dp));
  }
  for (int id = 0; id < 3; ++id) {
    watches.push_back(std::make_unique<PortWatch>(*disks[id], disks, ip.port_limit));
    bus.targets[size_t(id)].bind(*watches.back());  // the bus reaches the disk through the watch
    disks[size_t(id)]->link.bind(bus);
    devs.push_back(&init.target(id));
  }
  Burst b("b", devs, 60);
  sc_core::sc_start();

  CHECK(init.limit(0) == 4);
  CHECK(init.limit(2) == 2);
  CHECK(devs[0]->capacity_blocks() == disks[0]->capacity_blocks());
  CHECK(b.submit_returned_at == sc_time(1, SC_US));  // submit never blocked
  CHECK_NOTHROW(b.ledger.check());                    // all completed...
  CHECK(b.ledger.issued() == 60);                     // ...exactly once (the ledger throws on a second)
  CHECK(init.issued() == 60);
  CHECK(init.completed() == 60);
  CHECK(disks[0]->max_at_target == 4);
  CHECK(disks[1]->max_at_target == 4);
  CHECK(disks[2]->max_at_target == 2);
  int worst = 0;
  for (auto& w : watches) worst = std::max(worst, w->worst);
  CHECK(worst <= ip.port_limit);
  CHECK(worst == ip.port_limit);  // with 60 queued the port limit is reached
  // Per target, commands reach the disk in submission order.
  for (int id = 0; id < 3; ++id) {
    const auto& arr = disks[id]->arrivals;
    for (size_t k = 1; k < arr.size(); ++k) CHECK(arr[k - 1]->id < arr[k]->id);
    CHECK(arr.size() == size_t(std::count(b.dev_of.begin(), b.dev_of.end(), id)));
  }
  for (int id = 0; id < 3; ++id) {
    CHECK(init.outstanding(id) == 0);
    CHECK(init.queued(id) == 0);
  }
  Stats st;
  init.report(st, 1.0);
  CHECK(st.get("init.t0.outstanding.max") == 4);
  CHECK(st.get("init.t2.outstanding.max") == 2);
}

// The links are ports: a view of an id the bus has no target at, or an id
// bound to a target and an initiator at once, fails at elaboration.
TEST_CASE("scsi initiator: a view of an id with no target fails at elaboration, named", "[scsi][ports]") {
  ScsiBus bus("bus");
  ScsiInitiator init("init");
  bind_scsi_initiator(bus, init);
  test::FakeDisk disk("disk");
  bind_scsi_target(bus, 0, disk);
  init.target(3);  // handed out before the ports are bound: not yet checked
  CHECK_THROWS_WITH(sc_core::sc_start(), Catch::Contains("init: no target at SCSI id 3"));
}

TEST_CASE("scsi bus: an id bound to a target and an initiator fails at elaboration", "[scsi][ports]") {
  ScsiBus bus("bus");
  ScsiInitiatorParams ip;
  ip.scsi_id = 2;
  ScsiInitiator init("init", ip);
  bind_scsi_initiator(bus, init);
  test::FakeDisk disk("disk");
  bind_scsi_target(bus, 2, disk);
  CHECK_THROWS_WITH(sc_core::sc_start(), Catch::Contains("bus: SCSI id 2 is bound to a target and an initiator"));
}
