#pragma once
// Shared harness for the per-model tests (VCML's test_base pattern): a test
// fixture derives from TestBase, owns the model under test plus the fakes at
// its ports as members, and run() executes the test's stimulus in an SC_THREAD
// of the fixture, simulates for a given time and checks that the stimulus ran
// to its end. Each TEST_CASE elaborates once (CTest runs it in its own
// process: SystemC cannot elaborate twice).
//
// Fakes (each records what it was handed, with the simulated time):
//  * FakeBlockDevice: a BlockDevice / SCSI target that completes each command
//    after a set delay (or a per-command delay function);
//  * FakeDma: a DmaPort whose transfers take setup + bytes / bandwidth;
//  * FakePio: a host PioPort with fixed read and write latencies in front of a
//    byte store, with optional hooks that play device registers;
//  * TlmHost: a TLM initiator bound straight to a model's target socket (a
//    card's BAR, an HBA's registers), a PioPort too, fixed latency per access.
#include <catch2/catch.hpp>

#include "model/card/queue_controller.hpp"
#include "model/card/ring_layout.hpp"
#include "model/common/dma_port.hpp"
#include "model/common/io_request.hpp"
#include "model/host/host_io_if.hpp"
#include "model/host/pio_port.hpp"

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace iosim::test {

using sc_core::sc_time;
using sc_core::SC_MS;
using sc_core::SC_NS;
using sc_core::SC_PS;
using sc_core::SC_SEC;
using sc_core::SC_US;
using sc_core::SC_ZERO_TIME;

// ---------------------------------------------------------------- time helpers
// Simulated time in picoseconds (the time resolution): integer arithmetic for
// expected times, so the test does not inherit the model's rounding.
inline uint64_t ps(const sc_time& t) { return t.value() / sc_time(1, SC_PS).value(); }
inline sc_time at_ps(uint64_t v) { return sc_time(double(v), SC_PS); }
// `cycles` of a clock at `hz`, rounded to the 1 ps resolution as sc_time does.
inline uint64_t cycles_ps(double cycles, double hz) { return uint64_t(std::llround(cycles / hz * 1e12)); }
// First multiple of `period` strictly after t (a clock edge that samples a strobe raised at t).
inline uint64_t edge_after(uint64_t t, uint64_t period) { return (t / period + 1) * period; }
// First multiple of `period` at or after t (a polling loop resuming at its next poll instant).
inline uint64_t ceil_to(uint64_t t, uint64_t period) { return (t + period - 1) / period * period; }
// Every cost is rounded to the 1 ps resolution once per wait; an expected time
// built from n costs may therefore differ by a few ps. Tolerance of the time
// checks, in ps (far below any cost checked: the smallest is ~0.2 us).
constexpr double kTolPs = 10;

// ---------------------------------------------------------------- small builders
// The card's queue controller with its C++ core (fast; RTL == model is tested elsewhere).
inline QueueControllerParams model_qc_params(uint32_t depth) {
  QueueControllerParams q;
  q.core = QcCore::Model;
  q.depth = depth;
  return q;
}
inline ring::Layout ring_layout(uint32_t depth) {
  ring::Layout l;
  l.depth = depth;
  return l;
}

// ---------------------------------------------------------------- HostSide
// The workload's side of a host I/O stack: the requests a test made, and the
// completions the stack delivered through its `done` port (bind it to this).
struct HostSide : IoDoneIf {
  HostSide(uint64_t buffer_base, uint64_t buffer_step) : base_(buffer_base), step_(buffer_step) {}
  std::vector<std::unique_ptr<IoRequest>> reqs;
  struct Done { IoRequest* req; sc_time at; };
  std::vector<Done> done;
  // A new request, with its own host buffer.
  IoRequest& request(uint64_t lba, uint32_t blocks) {
    reqs.emplace_back(new IoRequest);
    reqs.back()->lba = lba;
    reqs.back()->blocks = blocks;
    reqs.back()->host_buffer = base_ + step_ * reqs.size();
    return *reqs.back();
  }
  void io_done(CpuCtx& c, IoRequest& r) override { done.push_back({&r, c.local_time()}); }

private:
  uint64_t base_, step_;
};

// ---------------------------------------------------------------- TestBase
// A fixture takes its sc_module_name by value (last parameter, default "tb")
// and passes it on: the name object must outlive the whole constructor, or the
// members would not be built as the fixture's children.
class TestBase : public sc_core::sc_module {
public:
  SC_HAS_PROCESS(TestBase);
  explicit TestBase(const sc_core::sc_module_name& n) : sc_module(n) { SC_THREAD(driver); }

  // Runs `body` from time 0 in this module's SC_THREAD (it may wait), simulates
  // until `until`, then checks that the body reached its end.
  void run(std::function<void()> body, sc_time until) {
    body_ = std::move(body);
    sc_core::sc_start(until);
    REQUIRE(finished_);
  }
  // A further stimulus thread (a second host process, an interrupt handler).
  static void spawn(std::function<void()> f) { sc_core::sc_spawn(std::move(f)); }
  // Waits (in the calling thread) until `pred` holds, checking every `step`;
  // returns the first check time at which it held. Throws after `limit`.
  static sc_time wait_until(const std::function<bool()>& pred, sc_time step, sc_time limit) {
    const sc_time end = sc_core::sc_time_stamp() + limit;
    while (!pred()) {
      if (sc_core::sc_time_stamp() >= end) throw std::runtime_error("wait_until: condition never held");
      sc_core::wait(step);
    }
    return sc_core::sc_time_stamp();
  }
  static void wait_to(sc_time t) {
    if (t > sc_core::sc_time_stamp()) sc_core::wait(t - sc_core::sc_time_stamp());
  }

private:
  void driver() {
    if (body_) body_();
    finished_ = true;
  }
  std::function<void()> body_;
  bool finished_ = false;
};

// ---------------------------------------------------------------- FakeBlockDevice
// What a fake target was handed (a copy: the request object itself belongs to
// the caller) and when it completed it.
struct Handed {
  IoOp op = IoOp::Read;
  uint64_t lba = 0;
  uint32_t blocks = 0;
  int target = -1;
  uint64_t host_buffer = 0;
  sc_time at, done_at;
  bool done = false;
};

class FakeBlockDevice : public sc_core::sc_module, public BlockDevice {
public:
  SC_HAS_PROCESS(FakeBlockDevice);
  FakeBlockDevice(const sc_core::sc_module_name& n, sc_time delay, uint64_t capacity = 1ull << 32)
      : sc_module(n), delay_(delay), capacity_(capacity) {
    SC_METHOD(complete_due);
    sensitive << ev_;
    dont_initialize();
  }
  // Optional: the delay of each command (default: the fixed delay).
  std::function<sc_time(const IoRequest&)> delay_of;

  void submit(IoRequest& req) override {
    Handed h;
    h.op = req.op;
    h.lba = req.lba;
    h.blocks = req.blocks;
    h.target = req.target;
    h.host_buffer = req.host_buffer;
    h.at = sc_core::sc_time_stamp();
    log.push_back(h);
    const sc_time d = delay_of ? delay_of(req) : delay_;
    pending_.emplace(std::make_pair(h.at + d, seq_++), Pending{&req, log.size() - 1});
    ev_.notify(d);  // an earlier pending notification wins; complete_due re-arms
  }
  uint64_t capacity_blocks() const override { return capacity_; }
  size_t outstanding() const { return pending_.size(); }

  std::vector<Handed> log;  // in arrival order

private:
  struct Pending { IoRequest* req; size_t idx; };
  void complete_due() {
    const sc_time now = sc_core::sc_time_stamp();
    while (!pending_.empty() && pending_.begin()->first.first <= now) {
      const Pending p = pending_.begin()->second;
      pending_.erase(pending_.begin());
      log[p.idx].done = true;
      log[p.idx].done_at = now;
      p.req->on_done(*p.req);
    }
    if (!pending_.empty()) ev_.notify(pending_.begin()->first.first - now);
  }
  sc_time delay_;
  uint64_t capacity_;
  std::map<std::pair<sc_time, uint64_t>, Pending> pending_;  // by (due time, arrival)
  uint64_t seq_ = 0;
  sc_core::sc_event ev_;
};

// Highest number of commands in flight at once over a set of logs.
inline int max_in_flight(const std::vector<const std::vector<Handed>*>& logs) {
  std::vector<std::pair<sc_time, int>> ev;
  for (const auto* l : logs)
    for (const auto& h : *l) {
      ev.emplace_back(h.at, +1);
      if (h.done) ev.emplace_back(h.done_at, -1);
    }
  std::sort(ev.begin(), ev.end());  // at equal times -1 sorts first: a completion frees its slot
  int cur = 0, best = 0;
  for (const auto& e : ev) best = std::max(best, cur += e.second);
  return best;
}

// ---------------------------------------------------------------- FakeDma
class FakeDma : public DmaPort {
public:
  struct Transfer {
    bool to_host = false;  // write: device -> host memory
    uint64_t addr = 0, bytes = 0;
    sc_time start, end;
  };
  FakeDma(sc_time setup, double bytes_per_s) : setup_(setup), bw_(bytes_per_s) {}
  sc_time duration(uint64_t bytes) const { return setup_ + sc_time(double(bytes) / bw_, SC_SEC); }
  void write(uint64_t addr, uint64_t bytes) override { transfer(true, addr, bytes); }
  void read(uint64_t addr, uint64_t bytes) override { transfer(false, addr, bytes); }
  std::vector<Transfer> log;

private:
  void transfer(bool to_host, uint64_t addr, uint64_t bytes) {
    Transfer t{to_host, addr, bytes, sc_core::sc_time_stamp(), {}};
    sc_core::wait(duration(bytes));
    t.end = sc_core::sc_time_stamp();
    log.push_back(t);
  }
  sc_time setup_;
  double bw_;
};

// ---------------------------------------------------------------- FakePio
// The host CPU's view of device memory: a read stalls the CPU `read_latency`
// (value sampled when issued), a posted write costs it `write_cost` (applied
// when issued). Bytes not claimed by a hook live in `mem` (little-endian).
class FakePio : public PioPort {
public:
  struct Access {
    bool write = false;
    uint64_t addr = 0;
    unsigned len = 0;
    uint64_t value = 0;  // first 8 bytes, little-endian
    sc_time at;          // when the CPU issued it
  };
  FakePio(sc_time read_latency, sc_time write_cost) : rl_(read_latency), wc_(write_cost) {}

  // Hooks: return true if the access was a register they handle.
  std::function<bool(uint64_t addr, unsigned len, uint64_t& value)> on_read;
  std::function<bool(uint64_t addr, const uint8_t* data, unsigned len)> on_write;

  uint64_t read(uint64_t addr, unsigned len) override {
    if (len > 8) throw std::invalid_argument("FakePio: read wider than 8 bytes");
    uint64_t v = 0;
    if (!(on_read && on_read(addr, len, v)))
      for (unsigned i = 0; i < len; ++i) v |= uint64_t(byte(addr + i)) << (8 * i);
    log.push_back({false, addr, len, v, sc_core::sc_time_stamp()});
    sc_core::wait(rl_);
    return v;
  }
  void write(uint64_t addr, const void* data, unsigned len) override {
    const auto* d = static_cast<const uint8_t*>(data);
    uint64_t v = 0;
    std::memcpy(&v, d, std::min(len, 8u));
    log.push_back({true, addr, len, v, sc_core::sc_time_stamp()});
    if (!(on_write && on_write(addr, d, len)))
      for (unsigned i = 0; i < len; ++i) mem[addr + i] = d[i];
    sc_core::wait(wc_);
  }
  uint8_t byte(uint64_t addr) const {
    auto it = mem.find(addr);
    return it == mem.end() ? 0 : it->second;
  }
  template <class T> T get(uint64_t addr) const {
    T v{};
    uint8_t b[sizeof(T)];
    for (size_t i = 0; i < sizeof(T); ++i) b[i] = byte(addr + i);
    std::memcpy(&v, b, sizeof v);
    return v;
  }
  template <class T> void put(uint64_t addr, T v) {
    uint8_t b[sizeof(T)];
    std::memcpy(b, &v, sizeof v);
    for (size_t i = 0; i < sizeof(T); ++i) mem[addr + i] = b[i];
  }

  std::map<uint64_t, uint8_t> mem;
  std::vector<Access> log;

private:
  sc_time rl_, wc_;
};

// ---------------------------------------------------------------- TlmHost
// A memory-mapped master bound straight to one target socket (no bus): waits
// `latency`, then calls the target's b_transport (which may block, e.g. on the
// queue controller's clock edge), then waits the delay it annotated.
class TlmHost : public sc_core::sc_module, public PioPort {
public:
  tlm_utils::simple_initiator_socket<TlmHost> socket;
  struct Access {
    bool write = false;
    uint64_t addr = 0;
    unsigned len = 0;
    tlm::tlm_response_status status = tlm::TLM_INCOMPLETE_RESPONSE;
    sc_time start, end;  // b_transport called / returned
  };

  TlmHost(const sc_core::sc_module_name& n, sc_time latency = SC_ZERO_TIME)
      : sc_module(n), socket("socket"), latency_(latency) {}

  tlm::tlm_response_status access(bool write, uint64_t addr, void* data, unsigned len) {
    if (latency_ > SC_ZERO_TIME) sc_core::wait(latency_);
    tlm::tlm_generic_payload gp;
    gp.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
    gp.set_address(addr);
    gp.set_data_ptr(static_cast<unsigned char*>(data));
    gp.set_data_length(len);
    gp.set_streaming_width(len);
    gp.set_byte_enable_ptr(nullptr);
    gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    Access a{write, addr, len, tlm::TLM_INCOMPLETE_RESPONSE, sc_core::sc_time_stamp(), {}};
    sc_time delay = SC_ZERO_TIME;
    socket->b_transport(gp, delay);
    if (delay > SC_ZERO_TIME) sc_core::wait(delay);
    a.status = gp.get_response_status();
    a.end = sc_core::sc_time_stamp();
    log.push_back(a);
    return a.status;
  }
  tlm::tlm_response_status write_bytes(uint64_t addr, const void* data, unsigned len) {
    std::vector<uint8_t> buf(static_cast<const uint8_t*>(data), static_cast<const uint8_t*>(data) + len);
    return access(true, addr, buf.data(), len);
  }
  tlm::tlm_response_status read_bytes(uint64_t addr, void* data, unsigned len) {
    return access(false, addr, data, len);
  }
  template <class T> T read_as(uint64_t addr) {
    T v{};
    REQUIRE(read_bytes(addr, &v, sizeof v) == tlm::TLM_OK_RESPONSE);
    return v;
  }
  uint64_t read(uint64_t addr, unsigned len) override {
    uint64_t v = 0;
    if (access(false, addr, &v, len) != tlm::TLM_OK_RESPONSE) return ~uint64_t(0);  // master abort
    return v;
  }
  void write(uint64_t addr, const void* data, unsigned len) override { write_bytes(addr, data, len); }

  std::vector<Access> log;

private:
  sc_time latency_;
};

} // namespace iosim::test
