#include "model/host/sync_driver.hpp"

#include <stdexcept>

namespace iosim {

SyncDriver::SyncDriver(std::string name, HostOs& os, const SyncDriverParams& p, const Raid0Geometry& raid,
                       std::vector<DiskRoute> routes, std::vector<uint64_t> adapter_reg_base)
    : name_(std::move(name)), os_(os), p_(p), raid_(raid), routes_(std::move(routes)),
      devs_(routes_.size()), adapters_(adapter_reg_base.size()) {
  if (p.queue_depth < 1 || p.can_queue < 1) throw std::invalid_argument("queue_depth and can_queue must be >= 1");
  for (size_t a = 0; a < adapters_.size(); ++a) adapters_[a].reg_base = adapter_reg_base[a];
  for (size_t d = 0; d < routes_.size(); ++d) {
    const int a = routes_[d].adapter;
    if (a < 0 || size_t(a) >= adapters_.size()) throw std::invalid_argument("disk route names a missing adapter");
    adapters_[size_t(a)].devices.push_back(int(d));
  }
}

void SyncDriver::submit(CpuCtx& c, IoRequest& req, IoWaiter done) {
  const auto& k = os_.params().cost;
  const double pages = double((req.bytes() + 4095) / 4096);
  c.compute(k.request_setup + k.request_per_page * pages, CpuCat::System);
  c.compute(p_.md_map_cycles, CpuCat::System);
  const auto pieces = raid0_map(raid_, req.lba, req.blocks);
  c.lock(io_request_lock_);
  auto* parent = new Parent{&req, int(pieces.size()), std::move(done)};
  for (const auto& x : pieces) {
    Device& d = devs_[x.member];
    c.compute(p_.elevator_cycles + p_.elevator_per_entry * double(d.elevator.size()), CpuCat::System);
    auto* pc = new Piece{req, parent, int(x.member)};
    pc->req.lba = x.member_lba;
    pc->req.blocks = x.blocks;
    pc->req.host_buffer = req.host_buffer + uint64_t(x.offset_blocks) * kSectorBytes;
    pc->req.target = routes_[x.member].target;
    pc->req.on_done = nullptr;
    d.elevator.emplace(pc->req.lba, pc);
    d.queued.set(double(d.elevator.size()));
  }
  for (const auto& x : pieces) dispatch(c, int(x.member));
  c.unlock(io_request_lock_);
}

// SCSI mid-layer request_fn: feed the device from its elevator while the
// device and its adapter have room. The sweep takes the next sector at or above
// the last one dispatched, wrapping to the lowest (a one-way elevator).
void SyncDriver::dispatch(CpuCtx& c, int dev) {
  Device& d = devs_[size_t(dev)];
  Adapter& a = adapters_[size_t(routes_[size_t(dev)].adapter)];
  while (!d.elevator.empty() && d.outstanding < p_.queue_depth && a.outstanding < p_.can_queue) {
    auto it = d.elevator.lower_bound(d.head);
    if (it == d.elevator.end()) it = d.elevator.begin();
    Piece* pc = it->second;
    d.elevator.erase(it);
    d.head = pc->req.lba + pc->req.blocks;
    d.queued.set(double(d.elevator.size()));
    ++d.outstanding;
    d.active.set(d.outstanding);
    ++a.outstanding;
    uint32_t ctx;
    if (free_ctx_.empty()) { ctx = uint32_t(contexts_.size()); contexts_.push_back(nullptr); }
    else { ctx = free_ctx_.back(); free_ctx_.pop_back(); }
    contexts_[ctx] = pc;
    pc->req.tag = ctx;
    const uint64_t frame = p_.frames_base + uint64_t(ctx) * 128;
    frames_[frame] = &pc->req;
    c.compute(p_.queuecommand_cycles, c.task() ? CpuCat::System : CpuCat::Irq);
    const uint32_t addr32 = uint32_t(frame);
    c.pio_write(a.reg_base + mpt::kRequestFifo, &addr32, 4);
    ++dispatched_;
  }
}

void SyncDriver::kick_adapter(CpuCtx& c, int ai) {
  Adapter& a = adapters_[size_t(ai)];
  for (size_t i = 0; i < a.devices.size() && a.outstanding < p_.can_queue; ++i) {
    const int dev = a.devices[(a.rr + i) % a.devices.size()];
    dispatch(c, dev);
  }
  a.rr = (a.rr + 1) % std::max<size_t>(1, a.devices.size());
}

void SyncDriver::isr(CpuCtx& c, int ai) {
  Adapter& a = adapters_[size_t(ai)];
  ++isr_runs_;
  c.compute(p_.isr_cycles, CpuCat::Irq);
  c.pio_read(a.reg_base + mpt::kIntStatus, 4);
  std::vector<Piece*> done;
  for (;;) {
    const uint32_t v = uint32_t(c.pio_read(a.reg_base + mpt::kReplyFifo, 4));
    if (v == mpt::kEmpty) break;
    if (v >= contexts_.size() || !contexts_[v]) throw std::logic_error(name_ + ": reply with unknown context");
    done.push_back(contexts_[v]);
    frames_.erase(p_.frames_base + uint64_t(v) * 128);
    contexts_[v] = nullptr;
    free_ctx_.push_back(v);
    ++replies_;
  }
  // Bottom half: finish each command, refill the queues, wake the owners.
  c.lock(io_request_lock_);
  for (Piece* pc : done) {
    c.compute(p_.bottom_half_cycles, CpuCat::Irq);
    Device& d = devs_[size_t(pc->dev)];
    --d.outstanding;
    d.active.set(d.outstanding);
    --a.outstanding;
    dispatch(c, pc->dev);
    Parent* par = pc->parent;
    if (pc->req.status != 0) par->req->status = pc->req.status;
    delete pc;
    if (--par->remaining == 0) {
      par->done(c, *par->req);
      delete par;
    }
  }
  kick_adapter(c, ai);
  c.unlock(io_request_lock_);
}

void SyncDriver::reset_stats() {
  io_request_lock_.spin_s = 0;
  for (auto& d : devs_) { d.queued.reset(); d.active.reset(); }
  dispatched_ = isr_runs_ = replies_ = 0;
}

void SyncDriver::report(Stats& out, double window_s) const {
  double q = 0, act = 0;
  for (size_t i = 0; i < devs_.size(); ++i) {
    const std::string n = name_ + ".sd" + std::to_string(i);
    out.put(n + ".elevator_depth", devs_[i].queued.mean(), "count", "requests waiting in the block-layer queue");
    out.put(n + ".device_depth", devs_[i].active.mean(), "count", "commands outstanding at the disk");
    q += devs_[i].queued.mean();
    act += devs_[i].active.mean();
  }
  const double n = double(std::max<size_t>(1, devs_.size()));
  out.put(name_ + ".elevator_depth", q / n, "count", "mean per disk");
  out.put(name_ + ".device_depth", act / n, "count", "mean per disk");
  out.put(name_ + ".interrupts", double(isr_runs_) / window_s, "1/s", "ISR runs");
  out.put(name_ + ".io_request_lock_spin", 1e6 * io_request_lock_.spin_s / window_s, "us/s", "CPU time spinning on io_request_lock");
  out.put(name_ + ".replies_per_interrupt", isr_runs_ ? double(replies_) / double(isr_runs_) : 0, "count", "");
}

} // namespace iosim
