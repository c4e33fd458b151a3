#include "model/net/net_client.hpp"

#include <stdexcept>

using namespace sc_core;

namespace iosim {

NetClient::NetClient(sc_module_name name, const NetClientParams& p, const NicParams& link, int connections)
    : sc_module(name), wire("wire"), p_(p), link_(link), conns_(size_t(std::max(1, connections))) {
  if (p_.ack_every < 1) throw std::invalid_argument("client: ack_every must be >= 1");
  SC_THREAD(ack_thread);
}

void NetClient::schedule(sc_time at, const Action& a) {
  actions_.emplace(at, a);
  action_ev_.notify(SC_ZERO_TIME);
}

void NetClient::receive(const EthFrame& f) {
  if (f.ack || f.conn < 0 || size_t(f.conn) >= conns_.size()) return;
  Conn& c = conns_[size_t(f.conn)];
  if (f.seq <= c.rcv_nxt) return;  // nothing new (no loss in this model)
  bytes_ += f.seq - c.rcv_nxt;
  c.rcv_nxt = f.seq;
  if (++c.unacked >= p_.ack_every) {
    c.unacked = 0;
    ++c.timer_gen;  // cancels a pending delayed ACK
    schedule(sc_time_stamp() + sc_time(p_.turnaround, SC_SEC), {f.conn, false, 0});
  } else if (c.unacked == 1) {
    schedule(sc_time_stamp() + sc_time(p_.delack, SC_SEC), {f.conn, true, ++c.timer_gen});
  }
}

// ACKs leave in time order over the reverse direction, one minimum frame
// each; each arrives at the server's NIC a frame time later.
void NetClient::ack_thread() {
  const double t_ack = double(link_.min_frame + (link_.framing_bytes > 18 ? link_.framing_bytes - 18 : 0)) /
                       link_.link_rate;
  for (;;) {
    while (actions_.empty()) wait(action_ev_);
    const sc_time at = actions_.begin()->first;
    if (at > sc_time_stamp()) {
      wait(at - sc_time_stamp(), action_ev_);  // an earlier action may arrive meanwhile
      continue;
    }
    const Action a = actions_.begin()->second;
    actions_.erase(actions_.begin());
    Conn& c = conns_[size_t(a.conn)];
    if (a.timer && (a.gen != c.timer_gen || c.unacked == 0)) continue;  // superseded
    if (a.timer) c.unacked = 0;
    if (c.rcv_nxt <= c.acked) continue;
    c.acked = c.rcv_nxt;
    const sc_time start = std::max(sc_time_stamp(), link_free_);
    link_free_ = start + sc_time(t_ack, SC_SEC);
    wait(link_free_ - sc_time_stamp());
    EthFrame ack;
    ack.conn = a.conn;
    ack.ack = true;
    ack.seq = c.acked;
    ack.frame_bytes = link_.min_frame;
    ++acks_;
    wire->receive(ack);
  }
}

void NetClient::reset_stats() { bytes_ = acks_ = 0; }

void NetClient::report(Stats& out, double window_s) const {
  StatGroup g = out.group(name(), "net_client");
  g.add("data_rate", double(bytes_) / window_s / 1e6, "MB/s", StatKind::Rate, "TCP payload received (1 MB = 10^6 B)");
  g.add("ack_rate", double(acks_) / window_s, "1/s", StatKind::Rate, "ACKs sent per second");
}

} // namespace iosim
