#pragma once
// A small stand-in for the Disk in SCSI tests: reads "media" at a fixed rate
// into a buffer and reconnects to move each full burst over its link, then
// sends status right behind the last burst. Commands are served in arrival
// order. Writes are timed like reads (only the bus matters here).
#include "model/scsi/scsi_link.hpp"

#include <systemc>
#include <algorithm>
#include <deque>
#include <stdexcept>
#include <vector>

namespace iosim::test {

struct FakeDiskParams {
  double media_bytes_per_s = 70e6;  // Cheetah 15K.3 sustains ~49-75 MB/s by zone (PARAMETERS.md); 0 = instant
  uint64_t burst_bytes = 8192;      // bytes moved per reconnection (the disk's max burst size)
  uint64_t buffer_bytes = 8u << 20; // 8 MB buffer (PARAMETERS.md)
  uint64_t capacity_blocks = 1ull << 30;
  int queue_depth = 64;             // Cheetah 15K.3 queue depth (PARAMETERS.md)
  double status_delay_s = 0;        // > 0: status sent in a separate reconnection after this delay
};

class FakeDisk : public sc_core::sc_module, public ScsiTarget {
public:
  FakeDisk(sc_core::sc_module_name n, const FakeDiskParams& p = {}) : sc_module(n), link("link"), p_(p) {
    SC_HAS_PROCESS(FakeDisk);
    SC_THREAD(media);
    SC_THREAD(bus_side);
  }
  void command(IoRequest& req) override {
    cmds_.push_back(Cmd{&req, 0, 0});
    arrivals.push_back(&req);
    ++at_target;
    max_at_target = std::max(max_at_target, at_target);
    cmd_ev_.notify(sc_core::SC_ZERO_TIME);
  }
  uint64_t capacity_blocks() const override { return p_.capacity_blocks; }
  int max_queue_depth() const override { return p_.queue_depth; }

  sc_core::sc_port<ScsiTargetLink> link;  // bind_scsi_target (model/scsi/scsi_bus.hpp)
  std::vector<IoRequest*> arrivals;  // command arrival order
  int at_target = 0, max_at_target = 0;

private:
  struct Cmd { IoRequest* req; uint64_t produced, sent; };
  uint64_t buffered() const {
    uint64_t b = 0;
    for (auto& c : cmds_) b += c.produced - c.sent;
    return b;
  }
  void media() {
    for (;;) {
      while (media_pos_ >= cmds_.size()) wait(cmd_ev_);
      const uint64_t size = cmds_[media_pos_].req->bytes();
      const uint64_t chunk = std::min(p_.burst_bytes, size - cmds_[media_pos_].produced);
      if (chunk > 0 && buffered() + chunk > p_.buffer_bytes) { wait(space_ev_); continue; }
      if (chunk > 0 && p_.media_bytes_per_s > 0)
        wait(sc_core::sc_time(double(chunk) / p_.media_bytes_per_s, sc_core::SC_SEC));
      cmds_[media_pos_].produced += chunk;
      if (cmds_[media_pos_].produced == size) ++media_pos_;
      data_ev_.notify(sc_core::SC_ZERO_TIME);
    }
  }
  void bus_side() {
    for (;;) {
      while (cmds_.empty()) wait(cmd_ev_);
      Cmd& c = cmds_.front();
      const uint64_t size = c.req->bytes();
      const uint64_t need = std::min(p_.burst_bytes, size - c.sent);
      if (c.produced - c.sent < need) { wait(data_ev_); continue; }
      if (need > 0) {
        link->transfer(c.req->target, *c.req, need);
        cmds_.front().sent += need;
        space_ev_.notify(sc_core::SC_ZERO_TIME);
      }
      if (cmds_.front().sent == size) {
        IoRequest* r = cmds_.front().req;
        cmds_.pop_front();
        --media_pos_;
        --at_target;
        if (p_.status_delay_s > 0) wait(sc_core::sc_time(p_.status_delay_s, sc_core::SC_SEC));
        link->complete(r->target, *r);
      }
    }
  }

  FakeDiskParams p_;
  std::deque<Cmd> cmds_;
  size_t media_pos_ = 0;
  sc_core::sc_event cmd_ev_, data_ev_, space_ev_;
};

} // namespace iosim::test
