// The network data path (issue 8, deliverable 2) and the sendfile validation
// scenario (deliverable 7, Morton 2001): a file served over TCP through the
// 3c59x-class NIC on the PCI bus, read + write vs sendfile.
#include "tests/test_cli_util.hpp"

#include <catch2/catch.hpp>
#include <iostream>

using namespace iosim::itest;

namespace {
std::string morton() { return std::string(IOSIM_SOURCE_DIR) + "/scenarios/validation/morton2001_sendfile.yaml"; }
// The one CPU's busy share (user + system + irq), as a fraction.
double cpu(const nlohmann::json& j) {
  return (stat(j, "top.host.cpu0.user") + stat(j, "top.host.cpu0.system") + stat(j, "top.host.cpu0.irq")) / 100;
}
// 100 Mbit/s less framing: a 1500 B IP packet is 1538 byte times on the
// wire (preamble + SFD 8, MAC header 14, FCS 4, gap 12) and carries
// 1448 B of TCP payload (20 B IP + 32 B TCP with timestamps).
constexpr double kWireLimitMBs = 12.5 * 1448.0 / 1538.0;
}  // namespace

TEST_CASE("sendfile: the wire bounds throughput, and the link is saturated", "[net][cli]") {
  for (const char* mode : {"read_write", "sendfile"}) {
    const auto j = run_scenario_json(morton(), {std::string("workload.file_server.mode=") + mode});
    const double wire = stat(j, "top.nic.payload_rate");
    INFO(mode << ": " << wire << " MB/s on the wire");
    // At most one frame slot more than the link rate allows: one frame may
    // have started before the 1 s window and ended in it.
    CHECK(wire <= kWireLimitMBs + 1448e-6);
    CHECK(wire >= 0.97 * kWireLimitMBs);  // one TCP stream keeps 100baseT busy (Morton: 11.5 MB/s)
    CHECK(stat(j, "top.nic.peak_payload_rate") == Approx(kWireLimitMBs).epsilon(1e-9));
  }
}

TEST_CASE("sendfile: bytes and requests are conserved from the server to the client", "[net][cli]") {
  const auto j = run_scenario_json(morton(), {"workload.file_server.connections=3", "run.duration=0.5s"});
  // What the NIC put on the wire is what the client took off it.
  CHECK(stat(j, "top.client.data_rate") == Approx(stat(j, "top.nic.payload_rate")).epsilon(1e-12));
  // Every segment the stack sent was downloaded and sent (within the ring and FIFO in flight at the window's edges).
  CHECK(stat(j, "top.nic.frame_rate") == Approx(stat(j, "top.host.net.segment_rate")).margin(40));
  // Every ACK the client sent reached the host's TCP (none dropped for want of descriptors).
  CHECK(stat(j, "top.nic.rx_dropped") == 0);
  CHECK(stat(j, "top.host.net.ack_rate") == Approx(stat(j, "top.client.ack_rate")).margin(4));
  // Completed calls: each 64 KiB, acknowledged as a whole; the ledger checked the rest (exit 0).
  CHECK(stat(j, "top.workload.failed") == 0);
  CHECK(stat(j, "top.workload.data_rate") == Approx(stat(j, "top.workload.io_rate") * 65536 / 1e6).epsilon(1e-9));
  CHECK(stat(j, "top.workload.data_rate") == Approx(stat(j, "top.nic.payload_rate")).epsilon(0.05));
}

TEST_CASE("sendfile: zero copy costs less CPU per MB than read + write, which copies twice", "[net][cli]") {
  const auto rw = run_scenario_json(morton(), {"workload.file_server.mode=read_write"});
  const auto sf = run_scenario_json(morton(), {"workload.file_server.mode=sendfile"});
  const auto sfc = run_scenario_json(morton(), {"workload.file_server.mode=sendfile", "platform.net.csum_offload=false"});
  const double mb_rw = stat(rw, "top.nic.payload_rate"), mb_sf = stat(sf, "top.nic.payload_rate");
  const double rw_mb = cpu(rw) / mb_rw, sf_mb = cpu(sf) / mb_sf, sfc_mb = cpu(sfc) / stat(sfc, "top.nic.payload_rate");
  std::cout << "CPU per MB: read+write " << rw_mb * 1e3 << " ms, sendfile " << sf_mb * 1e3
            << " ms, sendfile without checksum offload " << sfc_mb * 1e3 << " ms\n";
  CHECK(sf_mb < rw_mb);
  CHECK(sfc_mb > sf_mb);   // no SG + checksum: sendfile copies once in the kernel
  CHECK(sfc_mb < rw_mb);   // ... still one copy fewer than read + write
  // Two copies vs none: read+write's system time exceeds sendfile's by about
  // two copies of every byte at the scenario's copy rate (155 MB/s).
  const double extra = (stat(rw, "top.host.cpu0.system") - stat(sf, "top.host.cpu0.system")) / 100;
  CHECK(extra / mb_rw == Approx(2.0 / 155).epsilon(0.15));
  CHECK(stat(sf, "top.host.net.copy_rate") == 0);
  CHECK(stat(rw, "top.host.net.copy_rate") == Approx(mb_rw).epsilon(0.02));
}

TEST_CASE("sendfile: coalescing transmit completions by k divides their interrupts by about k", "[net][cli]") {
  const auto k1 = run_scenario_json(morton(), {"workload.file_server.mode=sendfile"});
  const auto k4 = run_scenario_json(morton(), {"workload.file_server.mode=sendfile", "platform.net.tx_coalesce=4"});
  const double d1 = stat(k1, "top.nic.download_rate"), d4 = stat(k4, "top.nic.download_rate");
  // Signalled: one DownComplete per packet, or per 4 packets.
  CHECK(stat(k1, "top.nic.tx_request_rate") == Approx(d1).margin(1));
  CHECK(stat(k4, "top.nic.tx_request_rate") == Approx(d4 / 4).margin(1));
  // Raised: some are found by an ISR already running (IntLatch), so fewer than signalled.
  const double i1 = stat(k1, "top.nic.tx_interrupt_rate"), i4 = stat(k4, "top.nic.tx_interrupt_rate");
  std::cout << "tx interrupts/s: k=1 " << i1 << ", k=4 " << i4 << " (downloads/s " << d1 << ", " << d4 << ")\n";
  CHECK(i1 <= stat(k1, "top.nic.tx_request_rate"));
  CHECK(i1 / i4 == Approx(4).epsilon(0.25));
  CHECK(cpu(k4) < cpu(k1));  // fewer interrupt entries and status reads
  CHECK(stat(k4, "top.nic.payload_rate") == Approx(stat(k1, "top.nic.payload_rate")).epsilon(0.01));
}

TEST_CASE("sendfile: same scenario and seed give the same results", "[net][cli]") {
  const auto a = run_scenario_raw(morton(), {"run.duration=0.3s"});
  const auto b = run_scenario_raw(morton(), {"run.duration=0.3s"});
  REQUIRE(a.status == 0);
  auto ja = nlohmann::json::parse(a.out), jb = nlohmann::json::parse(b.out);
  CHECK(ja["stats"] == jb["stats"]);
}

TEST_CASE("sendfile: the network keys are checked", "[net][cli]") {
  const auto r = run_scenario_raw(morton(), {"platform.net.tx_coalesce=16"});
  CHECK(r.status == 2);
  CHECK(r.err.find("tx_coalesce") != std::string::npos);
  const auto t = run_scenario_raw(morton(), {"workload.file_server.mod=sendfile"});
  CHECK(t.status == 2);
  CHECK(t.err.find("did you mean") != std::string::npos);
  const auto x = run_scenario_raw(std::string(IOSIM_SOURCE_DIR) + "/scenarios/platforms/x342_sync.yaml",
                                  {"platform.net.tx_coalesce=2"});
  CHECK(x.status == 2);
  CHECK(x.err.find("file_server") != std::string::npos);
}

TEST_CASE("sendfile: the file can come from the disks through the sync path", "[net][cli]") {
  const auto c = run_scenario_json(morton(), {"run.duration=0.5s"});
  const auto d = run_scenario_json(morton(), {"run.duration=0.5s", "workload.file_server.source=disk"});
  const auto b = run_scenario_json(morton(), {"run.duration=0.5s", "workload.file_server.source=disk",
                                              "platform.sync.io=buffered"});
  // From the cache no disk is touched; from the disk every call is one read down the block path.
  CHECK(stat(c, "top.scsi0.disk0.ios") + stat(c, "top.scsi1.disk0.ios") == 0);
  CHECK(stat(d, "top.scsi0.disk0.ios") > 0);  // the volume's first member holds the file's start (8 MiB stripe)
  // The wire still bounds it; the ledger (exit 0) saw every call completed.
  CHECK(stat(d, "top.nic.payload_rate") <= kWireLimitMBs + 1448e-6 / 0.5);
  CHECK(stat(d, "top.workload.failed") == 0);
  // Direct reads DMA into the user buffer: no copy_to_user; buffered ones copy it.
  CHECK(stat(d, "top.host.cpu0.system") < stat(c, "top.host.cpu0.system"));
  CHECK(stat(b, "top.host.cpu0.system") > stat(d, "top.host.cpu0.system"));
  // sendfile from the disk through the buffered path would charge a copy it does not make.
  const auto e = run_scenario_raw(morton(), {"workload.file_server.source=disk", "workload.file_server.mode=sendfile",
                                             "platform.sync.io=buffered"});
  CHECK(e.status == 2);
}
