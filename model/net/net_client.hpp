#pragma once
// The client at the far end of the link (issue 8): a TCP receiver pulling
// the file at the link rate. It takes each data frame off the wire and
// acknowledges every `ack_every`-th segment `turnaround` after it arrived,
// or after the delayed-ACK timer when one is left over; its ACKs go back over
// the other direction of the full-duplex link (`wire`, to the server's NIC),
// one minimum frame each. Its own CPU is not modelled. top.client.
#include "model/net/nic.hpp"

#include <map>
#include <vector>

namespace iosim {

class NetClient : public sc_core::sc_module, public EthRxIf, public Reporter {
public:
  sc_core::sc_port<EthRxIf> wire;  // towards the server's NIC

  SC_HAS_PROCESS(NetClient);
  NetClient(sc_core::sc_module_name name, const NetClientParams& p, const NicParams& link, int connections);
  void receive(const EthFrame& f) override;

  uint64_t received(int conn) const { return conns_[size_t(conn)].rcv_nxt; }
  void reset_stats() override;
  void report(Stats& out, double window_s) const override;

private:
  struct Conn { uint64_t rcv_nxt = 0, acked = 0; int unacked = 0; uint64_t timer_gen = 0; };
  struct Action { int conn; bool timer; uint64_t gen; };
  void ack_thread();
  void schedule(sc_core::sc_time at, const Action& a);

  NetClientParams p_;
  NicParams link_;
  std::vector<Conn> conns_;
  std::multimap<sc_core::sc_time, Action> actions_;
  sc_core::sc_event action_ev_;
  sc_core::sc_time link_free_;
  uint64_t bytes_ = 0, acks_ = 0;
};

} // namespace iosim
