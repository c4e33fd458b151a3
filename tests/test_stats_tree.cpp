// The typed statistics tree: groups typed by model, kinds, errors on misuse,
// and key figures found by group type rather than by name patterns.
#include <catch2/catch.hpp>

#include "model/stats/stats.hpp"
#include "sim/key_figures.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

using namespace iosim;

TEST_CASE("stats: groups keep one type, statistics carry unit, kind and description", "[stats]") {
  Stats s;
  s.group("top.scsi0.disk0", "disk").add("busy", 90, "%", StatKind::Fraction, "time serving a command");
  s.group("top.scsi0.disk1", "disk").add("busy", 80, "%", StatKind::Fraction, "time serving a command");
  s.group("top.scsi0.bus", "scsi_bus").add("busy", 10, "%", StatKind::Fraction, "arbitration through disconnect");
  CHECK(s.groups_of("disk") == std::vector<std::string>{"top.scsi0.disk0", "top.scsi0.disk1"});
  CHECK(s.stat("top.scsi0.disk0.busy").kind == StatKind::Fraction);
  CHECK(s.stat("top.scsi0.disk0.busy").desc == "time serving a command");
  CHECK_THROWS_AS(s.group("top.scsi0.bus", "disk"), std::logic_error);  // one path, one type
  CHECK_THROWS_AS(s.get("top.scsi0.disk2.busy"), std::out_of_range);    // missing: an error, not 0
  CHECK(std::string(to_string(StatKind::Distribution)) == "distribution");
}

TEST_CASE("key figures: disks are the groups of type disk, whatever their names", "[stats]") {
  // A bus named like a disk and a disk named unlike one: types decide.
  nlohmann::json j;
  j["groups"] = {{"top.workload", "workload"}, {"run", "run"},          {"top.scsi0.disk0", "scsi_bus"},
                 {"top.d", "disk"},            {"top.e", "disk"},        {"top.hba0", "lsi53c1030"}};
  auto put = [&](const char* k, double v) { j["stats"][k] = {{"value", v}, {"unit", ""}}; };
  for (const char* k : {"io_rate", "data_rate", "latency.mean", "latency.p99", "outstanding"})
    put((std::string("top.workload.") + k).c_str(), 1);
  put("run.requests_issued", 7);
  put("top.scsi0.disk0.busy", 5);
  put("top.d.busy", 90);
  put("top.d.queue_depth", 2);
  put("top.e.busy", 70);
  put("top.e.queue_depth", 4);
  put("top.hba0.iop_busy", 30);
  const KeyFigures f = key_figures(j);
  CHECK(f.disk_busy == Approx(80));
  CHECK(f.disk_busy_max == Approx(90));
  CHECK(f.disk_queue == Approx(3));
  CHECK(f.scsi_bus_busy == Approx(5));
  CHECK(f.card_cpu_busy == Approx(30));
  CHECK(f.host_busy == 0);  // no host_os group: a storage-only platform
  CHECK(f.requests_issued == 7);
  // A group that exists but lacks a statistic the reader needs is an error.
  j["stats"].erase("top.e.queue_depth");
  CHECK_THROWS_AS(key_figures(j), std::runtime_error);
}

TEST_CASE("samples: exact up to kExact, then bounded bins with quantiles within 0.05%, exact mean and max",
          "[stats]") {
  Samples s;
  // A skewed distribution: u^3 over (0, 1] seconds, in a fixed order.
  auto value = [](uint64_t i) {
    const double u = double((i * 2654435761u) % 1000003 + 1) / 1000003.0;
    return u * u * u;
  };
  const uint64_t n = Samples::kExact + 200000;
  std::vector<double> all;
  double sum = 0, mx = 0;
  for (uint64_t i = 0; i < n; ++i) {
    const double v = value(i);
    if (i == 1000) {
      CHECK_FALSE(s.binned());
      CHECK(s.quantile(0.5) > 0);  // exact so far
    }
    s.add(v);
    all.push_back(v);
    sum += v;
    mx = std::max(mx, v);
  }
  CHECK(s.binned());
  CHECK(s.count() == n);
  CHECK(s.mean() == Approx(sum / double(n)).epsilon(1e-9));
  CHECK(s.max() == mx);
  std::sort(all.begin(), all.end());
  for (double q : {0.01, 0.5, 0.95, 0.99, 0.999}) {
    INFO(q);
    const double exact = all[size_t(std::ceil(q * double(n))) - 1];
    CHECK(std::abs(s.quantile(q) - exact) <= exact * 6e-4);
  }
  s.add(0);
  CHECK(s.quantile(0) == 0);
  s.clear();
  CHECK_FALSE(s.binned());
  CHECK(s.count() == 0);
  CHECK(s.quantile(0.5) == 0);
}
