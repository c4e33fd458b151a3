#pragma once
// The figures a sweep row or a table cell reports for one point, read from the
// `iosim run --json` results: throughput, latency, and the utilisations the
// calibration reads bottlenecks off (disks, SCSI buses, PCI, host CPUs, the
// card's CPU or the HBAs' IOPs).
#include <nlohmann/json.hpp>

namespace iosim {

struct KeyFigures {
  double iops = 0, mbps = 0;
  double lat_mean_ms = 0, lat_p99_ms = 0;
  double outstanding = 0;       // requests in flight (mean)
  double disk_busy = 0;         // % mean over the disks
  double disk_busy_max = 0;     // % busiest disk
  double disk_queue = 0;        // commands per disk (mean)
  double scsi_bus_busy = 0;     // % busiest SCSI bus
  double pci_util = 0;          // %
  double host_busy = 0;         // % both host CPUs
  double card_cpu_busy = 0;     // % async: the card's firmware CPU; sync: the HBAs' IOPs (mean)
  double requests_issued = 0;   // whole run (warm-up + window), for the bench's I/Os per second
};

KeyFigures key_figures(const nlohmann::json& results);
nlohmann::ordered_json to_json(const KeyFigures& k);

}  // namespace iosim
