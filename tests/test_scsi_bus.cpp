// ScsiBus: closed-form timing of one command, arbitration priority and
// fairness, and the U320 throughput curve with 1..15 streaming targets.
#include <catch2/catch.hpp>

#include "model/scsi/scsi_bus.hpp"
#include "model/scsi/scsi_initiator.hpp"
#include "tests/test_scsi_fakes.hpp"

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include <unistd.h>

using namespace iosim;
using sc_core::sc_time;
using sc_core::SC_SEC;
using sc_core::SC_US;

namespace {

double us(const sc_time& t) { return t.to_seconds() * 1e6; }

// Sends one command from initiator id 7 at t = 0 and records its completion.
struct OneCommand : sc_core::sc_module {
  ScsiBus& bus;
  IoRequest req;
  sc_time t_done;
  int done = 0;
  OneCommand(sc_core::sc_module_name n, ScsiBus& b, int target, uint32_t blocks) : sc_module(n), bus(b) {
    req.target = target;
    req.blocks = blocks;
    req.on_done = [this](IoRequest&) { ++done; t_done = sc_core::sc_time_stamp(); };
    SC_HAS_PROCESS(OneCommand);
    SC_THREAD(run);
  }
  void run() { bus.send_command(7, req); }
};

} // namespace

TEST_CASE("scsi bus: one read command adds up to the closed form", "[scsi]") {
  ScsiBusParams p;  // defaults: no QAS, training on every DT DATA phase
  ScsiBus bus("bus", p);
  test::FakeDiskParams dp;
  dp.media_bytes_per_s = 0;  // data ready at once: only the bus takes time
  dp.burst_bytes = 65536;
  test::FakeDisk disk("disk", dp);
  bind_scsi_target(bus, 0, disk);
  OneCommand cmd("cmd", bus, 0, 128);  // 64 KiB: one burst
  sc_core::sc_start();

  const double tp = p.transfer_period_s;
  // Every IU: payload padded to 4 bytes + 4-byte iuCRC, 2 bytes per transfer.
  auto iu = [&](double payload) { return (payload + 4) / 2 * tp; };
  const double select = p.bus_set_delay_s + p.bus_settle_delay_s;
  const double train = 256 * tp;  // 1.6 us
  // Connection 1, initiator: arbitration on an idle bus (no bus free delay),
  // selection, training, L_Q + command IU.
  const double c1 = p.arbitration_delay_s + select + train + iu(20) + iu(20);
  // Connection 2, target: bus free delay after connection 1, arbitration,
  // reselection, training, nexus lookup, L_Q + data IU, then GOOD status as
  // an L_Q of data length 0 in the same connection.
  const double c2 = p.bus_free_delay_s + p.arbitration_delay_s + select + train +
                    p.initiator_latency_s + iu(20) + iu(65536) + iu(20);
  CHECK(cmd.done == 1);
  CHECK(cmd.req.status == 0);
  CHECK(us(cmd.t_done) == Approx((c1 + c2) * 1e6).epsilon(1e-9));
  // c1 + c2 = 6.15 + 213.2625 us, quoted so a reader can check the arithmetic.
  CHECK(us(cmd.t_done) == Approx(219.4125).epsilon(1e-9));

  // The phase split accounts for every picosecond of it.
  double sum = 0;
  for (int ph = 0; ph < ScsiBus::kPhases; ++ph) sum += bus.phase_seconds(ScsiBus::Phase(ph));
  CHECK(sum == Approx(c1 + c2).epsilon(1e-9));
  CHECK(bus.phase_seconds(ScsiBus::kData) == Approx(65536 / 320e6).epsilon(1e-9));
  CHECK(bus.phase_seconds(ScsiBus::kTraining) == Approx(2 * train).epsilon(1e-9));
  CHECK(bus.phase_seconds(ScsiBus::kBusFree) == Approx(p.bus_free_delay_s).epsilon(1e-9));
  CHECK(bus.commands() == 1);
  CHECK(bus.connections() == 2);
  CHECK(bus.data_bytes() == 65536);
}

TEST_CASE("scsi bus: a connection spent in one wait books each phase when it starts", "[scsi]") {
  // A connection's phases are spent in one wait, but phase_seconds (and so a
  // statistics reset at the end of warm-up) must still see each phase from
  // the time it starts, as when every phase was a wait of its own.
  ScsiBusParams p;
  ScsiBus bus("bus", p);
  test::FakeDiskParams dp;
  dp.media_bytes_per_s = 0;
  dp.burst_bytes = 65536;
  test::FakeDisk disk("disk", dp);
  bind_scsi_target(bus, 0, disk);
  OneCommand cmd("cmd", bus, 0, 128);  // the 64 KiB read of the closed-form test above

  const double tp = p.transfer_period_s, train = 256 * tp;
  auto iu = [&](double payload) { return (payload + 4) / 2 * tp; };
  const double select = p.bus_set_delay_s + p.bus_settle_delay_s;
  const double c1 = p.arbitration_delay_s + select + train + 2 * iu(20);  // command connection, 6.15 us
  // Data connection: bus free + arbitration, then selection, training and
  // the nexus lookup; the L_Q (and with it the data IU's split) starts at
  const double t_lq = c1 + p.bus_free_delay_s + p.arbitration_delay_s + select + train +
                      p.initiator_latency_s;  // 14.45 us
  const double payload = 65536 / 320e6;

  // Halfway through the nexus lookup: the reconnection's training has been
  // booked, the data not yet.
  sc_core::sc_start(sc_time((t_lq - p.initiator_latency_s / 2) * 1e6, SC_US));
  CHECK(bus.phase_seconds(ScsiBus::kTraining) == Approx(2 * train).epsilon(1e-9));
  CHECK(bus.phase_seconds(ScsiBus::kInitiator) == Approx(p.initiator_latency_s).epsilon(1e-9));
  CHECK(bus.phase_seconds(ScsiBus::kData) == 0);
  // A reset now drops what has started, keeps what has not.
  bus.reset_stats();
  sc_core::sc_start();
  CHECK(cmd.done == 1);
  CHECK(bus.phase_seconds(ScsiBus::kTraining) == 0);
  CHECK(bus.phase_seconds(ScsiBus::kSelection) == 0);
  CHECK(bus.phase_seconds(ScsiBus::kInitiator) == 0);
  CHECK(bus.phase_seconds(ScsiBus::kData) == Approx(payload).epsilon(1e-9));
  // L_Q + the data IU's pad and iuCRC + the status L_Q.
  CHECK(bus.phase_seconds(ScsiBus::kIuOverhead) ==
        Approx(iu(20) + (iu(65536) - payload) + iu(20)).epsilon(1e-9));
}

TEST_CASE("scsi bus: status sent later costs its own reconnection", "[scsi]") {
  ScsiBusParams p;
  p.retain_training = true;  // train once per I_T nexus and direction
  ScsiBus bus("bus", p);
  test::FakeDiskParams dp;
  dp.media_bytes_per_s = 0;
  dp.burst_bytes = 4096;
  dp.status_delay_s = 10e-6;
  test::FakeDisk disk("disk", dp);
  bind_scsi_target(bus, 1, disk);
  OneCommand cmd("cmd", bus, 1, 16);  // 8 KiB: two bursts
  sc_core::sc_start();

  const double tp = p.transfer_period_s, train = 256 * tp;
  auto iu = [&](double payload) { return (payload + 4) / 2 * tp; };
  const double select = p.bus_set_delay_s + p.bus_settle_delay_s;
  const double reconnect = p.bus_free_delay_s + p.arbitration_delay_s + select + p.initiator_latency_s;
  const double c1 = p.arbitration_delay_s + select + train + 2 * iu(20);       // command (DT DATA OUT trained)
  const double burst1 = reconnect + train + iu(20) + iu(4096);                 // first DT DATA IN: trained
  const double burst2 = reconnect + iu(20) + iu(4096);                         // training retained
  // After the 10 us delay the bus has long been free: no bus free delay.
  const double status = 10e-6 + reconnect - p.bus_free_delay_s + iu(20);
  CHECK(cmd.done == 1);
  CHECK(us(cmd.t_done) == Approx((c1 + burst1 + burst2 + status) * 1e6).epsilon(1e-9));
  CHECK(bus.connections() == 4);
}

namespace {
// One device that calls transfer() `repeats` times back to back from t = 10 us.
struct Contender : sc_core::sc_module {
  ScsiBus& bus;
  int id, repeats;
  IoRequest req;
  Contender(sc_core::sc_module_name n, ScsiBus& b, int i, int rep) : sc_module(n), bus(b), id(i), repeats(rep) {
    SC_HAS_PROCESS(Contender);
    SC_THREAD(run);
  }
  void run() {
    wait(sc_time(10, SC_US));
    for (int r = 0; r < repeats; ++r) bus.transfer(id, req, 512);
  }
};
struct Contenders {
  std::vector<std::unique_ptr<Contender>> c;
  Contenders(const char*, ScsiBus& b, std::vector<int> ids, int rep) {
    for (int id : ids) c.push_back(std::make_unique<Contender>(("dev" + std::to_string(id)).c_str(), b, id, rep));
  }
};
} // namespace

TEST_CASE("scsi bus: arbitration follows SCSI id priority", "[scsi]") {
  ScsiBus bus("bus");
  bus.record_grants(true);
  // 5 > 3 (higher id), and on a 16-bit bus 0..7 outrank 8..15.
  Contenders c("c", bus, {3, 12, 5}, 1);
  sc_core::sc_start();
  REQUIRE(bus.grants().size() == 3);
  CHECK(bus.grants() == std::vector<int>{5, 3, 12});
  CHECK(ScsiBus::priority(7) > ScsiBus::priority(0));
  CHECK(ScsiBus::priority(0) > ScsiBus::priority(15));
  CHECK(ScsiBus::priority(15) > ScsiBus::priority(8));
}

TEST_CASE("scsi bus: without fairness the higher id starves the lower", "[scsi]") {
  ScsiBus bus("bus");
  bus.record_grants(true);
  Contenders c("c", bus, {3, 5}, 4);
  sc_core::sc_start();
  CHECK(bus.grants() == std::vector<int>{5, 5, 5, 5, 3, 3, 3, 3});
}

TEST_CASE("scsi bus: fairness makes a winner wait for the devices it beat", "[scsi]") {
  ScsiBusParams p;
  p.fairness = true;
  ScsiBus bus("bus", p);
  bus.record_grants(true);
  Contenders c("c", bus, {3, 5}, 4);
  sc_core::sc_start();
  CHECK(bus.grants() == std::vector<int>{5, 3, 5, 3, 5, 3, 5, 3});
}

TEST_CASE("scsi bus: QAS hands the bus over without bus free + arbitration", "[scsi]") {
  ScsiBusParams p;
  p.qas = true;
  ScsiBus bus("bus", p);
  bus.record_grants(true);
  Contenders c("c", bus, {3, 5}, 1);
  sc_core::sc_start();
  CHECK(bus.grants() == std::vector<int>{5, 3});
  // One normal arbitration, one QAS arbitration, no bus free delay.
  CHECK(bus.phase_seconds(ScsiBus::kBusFree) == 0);
  CHECK(bus.phase_seconds(ScsiBus::kArbitration) ==
        Approx(p.arbitration_delay_s + p.qas_release_delay_s + p.qas_arbitration_delay_s).epsilon(1e-9));
}

// ---------------------------------------------------------------------------
// Throughput: N fake Cheetah-like disks streaming sequential reads through one
// initiator. One point per process (SystemC elaborates once), so the curve
// test below runs this hidden test case as a child process per N.
namespace {
struct Streamer : sc_core::sc_module {
  std::vector<BlockDevice*> devs;
  std::vector<std::vector<IoRequest>> reqs;
  std::vector<uint64_t> next_lba;
  uint32_t blocks;
  Streamer(sc_core::sc_module_name n, std::vector<BlockDevice*> d, int depth, uint32_t blk)
      : sc_module(n), devs(std::move(d)), reqs(devs.size(), std::vector<IoRequest>(depth)),
        next_lba(devs.size(), 0), blocks(blk) {
    SC_HAS_PROCESS(Streamer);
    SC_THREAD(start);
  }
  void issue(size_t t, IoRequest& r) {
    r.lba = next_lba[t];
    r.blocks = blocks;
    next_lba[t] += blocks;
    devs[t]->submit(r);
  }
  void start() {
    for (size_t t = 0; t < devs.size(); ++t)
      for (auto& r : reqs[t]) {
        r.on_done = [this, t](IoRequest& done) { issue(t, done); };
        issue(t, r);
      }
  }
};
} // namespace

TEST_CASE("U320 streaming point", "[.scsi_point]") {
  const char* env = std::getenv("IOSIM_SCSI_TARGETS");
  const int n = env ? std::atoi(env) : 4;
  REQUIRE(n >= 1);
  REQUIRE(n <= 15);
  ScsiBus bus("bus");
  ScsiInitiator init("init");
  bind_scsi_initiator(bus, init);
  std::vector<std::unique_ptr<test::FakeDisk>> disks;
  std::vector<BlockDevice*> devs;
  for (int i = 0; i < n; ++i) {
    test::FakeDiskParams dp;
    // Spread over the Cheetah 15K.3's 49-75 MB/s zones, mostly outer ones.
    dp.media_bytes_per_s = 75e6 - 10e6 * double(i % 3) / 2;
    const int id = i < 7 ? i : i + 1;  // skip the initiator's id 7
    disks.push_back(std::make_unique<test::FakeDisk>(("disk" + std::to_string(id)).c_str(), dp));
    bind_scsi_target(bus, id, *disks.back());
    devs.push_back(&init.target(id));
  }
  Streamer s("s", devs, 4, 512);  // 4 x 256 KiB sequential reads outstanding per disk
  const double warm = 0.02, window = 0.2;
  sc_core::sc_start(sc_time(warm, SC_SEC));
  bus.reset_stats();
  sc_core::sc_start(sc_time(window, SC_SEC));
  Stats st;
  bus.report(st, window);
  std::printf("POINT n=%d mbps=%.2f busy=%.2f efficiency=%.2f arb_wait_us=%.2f\n", n,
              st.get("bus.data_rate"), st.get("bus.busy"), st.get("bus.efficiency"), st.get("bus.arb_wait"));
}

TEST_CASE("U320 bus throughput rises with targets, then saturates near 234-240 MB/s", "[scsi]") {
  // This test binary's own path (inside popen's shell /proc/self/exe is the shell).
  char self[4096] = {};
  REQUIRE(readlink("/proc/self/exe", self, sizeof self - 1) > 0);
  std::vector<double> mbps;
  std::printf("targets  MB/s    busy%%  efficiency%%  arb_wait_us\n");
  for (int n = 1; n <= 15; ++n) {
    const std::string cmd = "IOSIM_SCSI_TARGETS=" + std::to_string(n) +
                            " '" + self + "' 'U320 streaming point' 2>&1";
    FILE* f = popen(cmd.c_str(), "r");
    REQUIRE(f);
    char line[512];
    double v = -1, busy = 0, eff = 0, wait_us = 0;
    int got_n = 0;
    while (std::fgets(line, sizeof line, f))
      if (std::sscanf(line, "POINT n=%d mbps=%lf busy=%lf efficiency=%lf arb_wait_us=%lf", &got_n, &v,
                      &busy, &eff, &wait_us) == 5)
        break;
    while (std::fgets(line, sizeof line, f)) {}
    pclose(f);
    REQUIRE(got_n == n);
    std::printf("%7d  %6.1f  %5.1f  %11.1f  %11.1f\n", n, v, busy, eff, wait_us);
    mbps.push_back(v);
  }
  // One disk is media bound (~75 MB/s); the bus is far from full.
  CHECK(mbps[0] == Approx(75).epsilon(0.03));
  // Rises while the disks' sum is below the ceiling...
  for (int n = 1; n < 3; ++n) CHECK(mbps[n] > mbps[n - 1] + 40);
  // ...then saturates: never above the U320 peak, flat within 3% from 6 disks
  // on, at the measured effective ceiling.
  double lo = 1e9, hi = 0;
  for (int n = 5; n < 15; ++n) { lo = std::min(lo, mbps[n]); hi = std::max(hi, mbps[n]); }
  for (double v : mbps) CHECK(v < 320);
  CHECK(hi / lo < 1.03);
  CHECK(mbps[14] > 225);
  CHECK(mbps[14] < 250);
}
