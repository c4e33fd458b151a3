// HostOs on its own, behind a fixed-latency PIO stub: every CPU's user +
// system + irq + idle must add up to the measured window, whatever is in
// progress when the window opens and closes (bursts, PIO stalls, spinning).
#include <catch2/catch.hpp>

#include "model/host/host_os.hpp"

#include <systemc>

using namespace sc_core;

namespace {

// A PIO read stalls 1 us, a posted write 0.2 us (x342 figures, PARAMETERS.md).
class StubPio : public iosim::PioPort {
public:
  uint64_t read(uint64_t, unsigned) override { ++reads; wait(sc_time(1, SC_US)); return 0; }
  void write(uint64_t, const void*, unsigned) override { ++writes; wait(sc_time(200, SC_NS)); }
  uint64_t reads = 0, writes = 0;
};

}  // namespace

TEST_CASE("host: per-CPU user + system + irq + idle equals the window", "[host][accounting]") {
  using namespace iosim;
  HostParams hp;  // 2 CPUs at 1.26 GHz, HZ=100: timer ticks on both CPUs
  StubPio pio;
  HostOs os("host", hp);
  os.pio.bind(pio);
  SpinLock lock;

  // Three "processes": each runs user code, enters the kernel, takes a shared
  // spinlock (contended: 3 tasks on 2 CPUs), does PIO, then either sleeps or
  // blocks until a "device" interrupt wakes it. Odd periods so nothing lines
  // up with the window edges.
  std::vector<Task*> tasks;
  std::vector<bool> blocked(3, false);
  std::function<void(CpuCtx&, size_t)> step = [&](CpuCtx& c, size_t i) {
    c.compute(3000 + 700 * double(i), CpuCat::User);
    c.compute(1500, CpuCat::System);
    c.lock(lock);
    c.pio_read(0x100, 4);
    c.compute(900, CpuCat::System);
    c.pio_write(0x104, &i, 4);
    c.unlock(lock);
    if (i == 2) {
      blocked[i] = true;
      os.block(c, true);
    } else {
      os.sleep_until(c, sc_time_stamp() + sc_time(37 + 11 * double(i), SC_US),
                     [&, i](CpuCtx& c2) { step(c2, i); });
    }
  };
  for (size_t i = 0; i < 3; ++i) tasks.push_back(os.create_task("p" + std::to_string(i)));
  // A device interrupting every 53 us; the handler wakes task 2 if it waits.
  sc_spawn([&] {
    for (;;) {
      wait(sc_time(53, SC_US));
      os.raise_irq([&](CpuCtx& c) {
        c.compute(2000, CpuCat::Irq);
        c.pio_read(0x200, 4);
        if (blocked[2]) {
          blocked[2] = false;
          c.compute(hp.cost.wakeup, CpuCat::Irq, true);
          c.sync();
          os.wake(tasks[2], [&](CpuCtx& c2) { step(c2, 2); });
        }
      });
    }
  });
  sc_spawn([&] {
    for (size_t i = 0; i < 3; ++i) os.wake(tasks[i], [&, i](CpuCtx& c) { step(c, i); });
  });

  // Window edges at odd instants, so they fall inside bursts and stalls.
  sc_start(sc_time(3.0001234, SC_MS));
  os.reset_stats();
  const double window = 20.0007777e-3;
  sc_start(sc_time(window, SC_SEC));

  double busy = 0;
  for (int i = 0; i < hp.cpus; ++i) {
    const HostOs::Account a = os.account(i);
    INFO("cpu" << i << " user " << a.user << " system " << a.system << " irq " << a.irq << " idle " << a.idle);
    CHECK(a.user + a.system + a.irq + a.idle == Approx(window).epsilon(1e-6));
    // The load is real: every category has time in it.
    CHECK(a.user > 0);
    CHECK(a.system > 0);
    CHECK(a.irq > 0);
    CHECK(a.false_comp <= a.system + a.irq);
    busy += a.user + a.system + a.irq;
  }
  CHECK(busy > 0.2 * window);
  CHECK(lock.contended > 0);
  CHECK(pio.reads > 100);

  // The same through the reported statistics (percent of the window).
  Stats st;
  os.report(st, window);
  for (int i = 0; i < hp.cpus; ++i) {
    const std::string c = "host.cpu" + std::to_string(i);
    const double sum = st.get(c + ".user") + st.get(c + ".system") + st.get(c + ".irq") + st.get(c + ".idle");
    CHECK(sum == Approx(100).epsilon(1e-6));
  }
}
