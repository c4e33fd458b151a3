#pragma once
// The host side of the network path (issue 8): Linux 2.4's TCP sender and the
// 3c59x driver (boomerang_start_xmit / boomerang_interrupt), charged on the
// host CPUs through HostOs / CpuCtx. top.host.net.
//
// send() (tcp_sendmsg, or do_tcp_sendpages for sendfile) runs in the
// caller's process: per call `sendmsg`, per segment's worth `skb_alloc`,
// and the data: copied from the user buffer (csum_partial_copy: the checksum
// folded into the copy, memory bound — Clark et al. 1989 — at the
// platform's copy rate), or, for sendfile with a NIC that has scatter-gather
// and checksum offload, page references (`page_ref` per page, no copy);
// sendfile without them copies once in the kernel. Bytes beyond the socket
// buffer (`sndbuf`) wait: the caller blocks until ACKs free a third of it
// (2.4 tcp_min_write_space). Segments (MSS, Nagle) leave within the
// receiver's window: `tx_per_segment`, then the driver's start_xmit: the
// descriptor, DownStall (a PIO write and a PIO read of the status), a PIO
// read of DownListPtr (and a write when the engine had stopped), DownUnstall;
// with the ring full, the qdisc holds them until the ISR frees descriptors.
// The ISR (on the NIC's line): per pass a PIO read of the status, an ack;
// received ACKs (`rx_frame`, then `ack` and `ack_free` per acknowledged
// segment: the softirq's tcp_ack, in interrupt context here); downloaded
// packets reaped (a PIO read of DownListPtr per descriptor, `tx_free`).
// A request (one server call) completes when its last byte is acknowledged.
#include "model/host/host_io_if.hpp"
#include "model/net/nic.hpp"

#include <deque>
#include <vector>

namespace iosim {

// What the file server calls (a socket as the workload sees it).
class SocketIf : public virtual sc_core::sc_interface {
public:
  // Queue up to `bytes` on connection `conn` from the calling process;
  // returns what the socket buffer took. `page`: sendfile's page-cache pages.
  // `req` completes (IoDoneIf) when the call's last byte is acknowledged:
  // pass it with the call's last bytes (when `bytes` is all that is left).
  virtual uint64_t send(CpuCtx& c, int conn, uint64_t bytes, bool page, IoRequest* req) = 0;
  // Block the caller until the socket buffer has room; `retry` runs then.
  virtual void wait_space(CpuCtx& c, int conn, Burst retry) = 0;
};

class NetStack : public sc_core::sc_module, public SocketIf, public Reporter {
public:
  sc_core::sc_port<IoDoneIf> done;     // the workload
  sc_core::sc_port<NicRings> rings;    // the NIC's descriptor lists in host memory

  NetStack(sc_core::sc_module_name name, HostOs& os, const NetStackParams& p, const NicParams& nic,
           double copy_bandwidth, int connections);
  uint64_t send(CpuCtx& c, int conn, uint64_t bytes, bool page, IoRequest* req) override;
  void wait_space(CpuCtx& c, int conn, Burst retry) override;
  bool zero_copy() const { return nic_.scatter_gather && nic_.csum_offload; }
  uint32_t mss() const { return nic_.mtu - p_.tcp_ip_header_bytes; }

  void reset_stats() override;
  void report(Stats& out, double window_s) const override;

private:
  struct Conn {
    uint64_t write_seq = 0, snd_nxt = 0, snd_una = 0;
    std::deque<std::pair<uint64_t, IoRequest*>> reqs;  // (end sequence, request)
    Task* waiter = nullptr;
    Burst retry;
  };
  void push(CpuCtx& c, int conn);             // tcp_write_xmit
  void xmit(CpuCtx& c, const EthFrame& f);    // dev_queue_xmit: to the ring or the qdisc
  void start_xmit(CpuCtx& c, const EthFrame& f);
  void isr(CpuCtx& c);
  void rx(CpuCtx& c);
  void reap_tx(CpuCtx& c);
  void ack(CpuCtx& c, const EthFrame& f);
  uint64_t reg(uint64_t off) const { return p_.bar_base + off; }

  HostOs& os_;
  NetStackParams p_;
  NicParams nic_;
  double copy_bw_;
  std::vector<Conn> conns_;
  std::deque<EthFrame> qdisc_;
  uint64_t cur_tx_ = 0, dirty_tx_ = 0;
  // window statistics
  uint64_t segments_ = 0, acks_ = 0, isr_calls_ = 0, pio_reads_ = 0, copied_ = 0, wakeups_ = 0, qdisc_max_ = 0;
};

} // namespace iosim
