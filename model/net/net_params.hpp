#pragma once
// The network data path (issue 8, deliverable 2; deliverable 7's sendfile
// validation, Morton 2001): a 3Com 3c59x-family Fast Ethernet NIC on the PCI
// bus, the Linux 2.4 TCP sender and 3c59x driver on the host, and the client
// at the other end of the link. Parameters as plain structs in SI units and
// host cycles; sources in the comments, `estimate` where there is none.
#include "model/common/enum_names.hpp"

#include <cstdint>

namespace iosim {

// The NIC. Defaults: a 3c905B/3c905C-class ("Cyclone"/"Tornado") bus master,
// the chips Morton's 3CCFE575CT CardBus card belongs to.
//
// Which 3c59x chips have what the 2.4 zero-copy patch needs (scatter-gather
// *and* a transmit checksum; 3c59x.c's board table, HAS_HWCKSM): the Vortex
// (3c590/3c595) has no download descriptors at all (one DMA per packet, no
// SG, no checksum); the Boomerang (3c900/3c905) downloads fragment lists (SG)
// but computes no checksum; the Cyclone (3c905B, 3c980, 3CCFE575BT/CT) and
// Tornado (3c905C, 3CCFE656) have both. Without both, sendfile falls back
// to a kernel copy with checksum (sock_no_sendpage).
struct NicParams {
  double link_rate = 12.5e6;       // B/s: 100 Mbit/s, 100BASE-TX (IEEE 802.3u)
  uint32_t mtu = 1500;             // B: IP MTU of Ethernet II
  // Per frame on the wire beyond the IP packet: preamble + SFD 8 B, MAC
  // header 14 B, FCS 4 B, inter-frame gap 12 byte times (IEEE 802.3 cl. 4, 35).
  uint32_t framing_bytes = 38;
  uint32_t min_frame = 64;         // B: minimum frame, MAC header to FCS (IEEE 802.3)
  int tx_ring = 16;                // download descriptors: 3c59x.c TX_RING_SIZE
  int rx_ring = 32;                // upload descriptors: 3c59x.c RX_RING_SIZE
  bool scatter_gather = true;      // NETIF_F_SG (Boomerang and later)
  bool csum_offload = true;        // NETIF_F_IP_CSUM (Cyclone / Tornado: HAS_HWCKSM)
  // Transmit-complete interrupts: the 3c59x driver asks for one per packet
  // (TxIntrUploaded in every descriptor, Morton: "one-interrupt-per-packet");
  // k > 1: the NIC raises DownComplete once per k downloaded packets
  // (mitigation as later NICs do it; a packet's completion is also reaped by
  // any other interrupt, e.g. the next received ACK's).
  int tx_coalesce = 1;
  // Download descriptor (DPD): next pointer, frame start header, one
  // fragment (address, length) = 16 B; 8 B per further fragment (3c905B
  // technical reference, DPD format).
  uint32_t descriptor_bytes = 16;
  uint32_t fragment_bytes = 8;
  uint32_t upd_bytes = 16;         // upload descriptor, written back on receive (same format)
  // Transmit FIFO the downloads fill ahead of the wire: 2 KiB (estimate for
  // the 3c905B class; a full frame plus a little).
  uint32_t tx_fifo_bytes = 2048;
};

// Host costs of the network path, in cycles of the host CPU (Linux 2.4 on a
// Pentium III; Clark, Jacobson, Romkey, Salwen 1989, "An analysis of TCP
// processing overhead": under 200 instructions for TCP's own common path —
// the costs below are dominated, as they argue, by buffer management, the
// layers around TCP and the driver, none of them measured: `estimate`).
struct NetCosts {
  double sendmsg = 1000;           // tcp_sendmsg / do_tcp_sendpages per call: lock_sock, checks (estimate)
  double skb_alloc = 800;          // alloc_skb of a segment's buffer + its header room (estimate)
  double page_ref = 300;           // tcp_sendpage: get_page + fill one fragment (estimate)
  double tx_per_segment = 3000;    // tcp_transmit_skb (clone, header) + ip_queue_xmit + dev_queue_xmit + qdisc (estimate)
  double xmit = 600;               // the driver's start_xmit besides its PIO: descriptor fill, pci_map (estimate)
  double isr = 800;                // the driver's ISR body per interrupt, besides PIO (estimate)
  double tx_free = 600;            // per downloaded packet: pci_unmap + dev_kfree_skb_irq of the clone (estimate)
  double rx_frame = 1500;          // per received frame: refill skb, eth_type_trans, netif_rx (estimate)
  double ack = 2500;               // net_rx_action + ip_rcv + tcp_v4_rcv + tcp_ack per ACK (estimate)
  double ack_free = 800;           // per acknowledged segment: kfree_skb of the original + its data (estimate)
  double file_read = 1000;         // generic_file_read / do_generic_file_read per call, besides its pages (estimate)
};

// The host's TCP sender and its 3c59x driver.
struct NetStackParams {
  NetCosts cost;
  // MSS: 1500 - 20 (IP) - 20 (TCP) - 12 (timestamps, on by default in 2.4).
  uint32_t tcp_ip_header_bytes = 52;
  // Socket send buffer: 2.4 grows sk->sndbuf from tcp_wmem[1] (16 KiB) up to
  // tcp_wmem[2] (128 KiB) as cwnd grows (tcp_new_space); 64 KiB (estimate).
  uint64_t sndbuf = 64 * 1024;
  // Receiver's advertised window: the client's default tcp_rmem[1] = 87380 B
  // less its overhead share, 64 KiB (estimate; far above the LAN's
  // bandwidth-delay product, so it never limits the sender).
  uint64_t rwnd = 64 * 1024;
  int irq_line = 0;                // HostOs line the NIC's INTA# is bound to (set by the platform)
  uint64_t bar_base = 0;           // the NIC's register window on the bus (set by the platform)
};

// The client at the other end: it acknowledges every second full segment
// (RFC 1122 4.2.3.2; Linux's delayed ACK), or after `delack` when one is
// left unacknowledged, `turnaround` after the segment arrived.
struct NetClientParams {
  double turnaround = 20e-6;       // s: receive interrupt to the ACK on the wire (estimate)
  double delack = 0.04;            // s: 2.4 TCP_DELACK_MIN = HZ/25
  int ack_every = 2;               // segments per ACK
};

// How the server sends a block: read() + write() (two copies through a user
// buffer) or sendfile() (page references when the NIC has SG + checksum).
enum class ServeMode { ReadWrite, Sendfile };
template <> struct EnumNames<ServeMode> {
  static constexpr std::array<std::pair<ServeMode, const char*>, 2> table{
      {{ServeMode::ReadWrite, "read_write"}, {ServeMode::Sendfile, "sendfile"}}};
};

// Where the served file is: in the page cache (Morton served a cached
// file), or on the disks, read through the sync path's block layer
// (platform.sync: buffered charges the page cache and copy_to_user there;
// direct reads by DMA into the buffer).
enum class FileSource { Cache, Disk };
template <> struct EnumNames<FileSource> {
  static constexpr std::array<std::pair<FileSource, const char*>, 2> table{
      {{FileSource::Cache, "cache"}, {FileSource::Disk, "disk"}}};
};

// The file-server workload (model/workload/file_server.hpp).
struct FileServerParams {
  ServeMode mode = ServeMode::ReadWrite;
  FileSource source = FileSource::Cache;
  int connections = 1;             // one server process per TCP connection
  uint64_t chunk_bytes = 64 * 1024;  // bytes per read+write or sendfile call (estimate for Morton's tool)
};

// One Ethernet frame between the NIC and the client.
struct EthFrame {
  int conn = 0;
  bool ack = false;
  uint64_t seq = 0;                // data: end sequence (bytes); ack: cumulative ack
  uint32_t payload = 0;            // TCP payload bytes
  uint32_t frame_bytes = 0;        // MAC header to FCS
};

} // namespace iosim
