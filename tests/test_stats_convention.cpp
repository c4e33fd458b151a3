// The one statistics convention (model/stats/README.md, "Convention"):
// StatGroup::add refuses a statistic that breaks it, and a run of every
// shipped scenario passes it (add throws otherwise, and the run fails).
// Outputs: natural key order, clean numbers, descriptions in JSON and CSV,
// and a latency histogram per path that accounts for every request counted.
#include "model/stats/stats.hpp"
#include "tests/test_cli_util.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <regex>
#include <stdexcept>
#include <string>
#include <vector>

using namespace iosim;

namespace {
// The most significant digits of any number in `text` (leading zeros are not
// significant: 0.0999864569479 has 12): float noise shows as 16 or 17.
size_t most_digits(const std::string& text) {
  static const std::regex number(R"((\d+)(?:\.(\d+))?)");
  size_t most = 0;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), number); it != std::sregex_iterator(); ++it) {
    std::string d = (*it)[1].str() + (*it)[2].str();
    d.erase(0, std::min(d.find_first_not_of('0'), d.size()));
    most = std::max(most, d.size());
  }
  return most;
}

std::string why(const std::string& name, const std::string& unit, StatKind kind, const std::string& desc = "d") {
  return stat_convention_error(name, unit, kind, desc);
}
}  // namespace

TEST_CASE("stats convention: names, units, kinds and descriptions", "[stats][convention]") {
  // Good ones, one per rule.
  CHECK(why("latency.p99", "ms", StatKind::Distribution) == "");
  CHECK(why("queued.max", "count", StatKind::Level) == "");
  CHECK(why("interrupts", "count", StatKind::Counter) == "");
  CHECK(why("interrupt_rate", "1/s", StatKind::Rate) == "");
  CHECK(why("data_rate", "MB/s", StatKind::Rate) == "");
  CHECK(why("peak_data_rate", "MB/s", StatKind::Setting) == "");
  CHECK(why("phase.bus_free", "%", StatKind::Fraction) == "");
  CHECK(why("data", "B", StatKind::Counter) == "");
  // Each offender names its fault.
  CHECK_THAT(why("busy", "%", StatKind::Fraction, ""), Catch::Contains("empty description"));
  CHECK_THAT(why("arb_wait_us", "us", StatKind::Distribution), Catch::Contains("unit 'us' in the name"));
  CHECK_THAT(why("MBps", "MB/s", StatKind::Rate), Catch::Contains("snake_case"));
  CHECK_THAT(why("mbps", "MB/s", StatKind::Rate), Catch::Contains("unit 'mbps'"));
  CHECK_THAT(why("iops", "1/s", StatKind::Rate), Catch::Contains("unit 'iops'"));
  CHECK_THAT(why("util_pct", "%", StatKind::Fraction), Catch::Contains("unit 'pct'"));
  CHECK_THAT(why("queued_max", "count", StatKind::Level), Catch::Contains("queued.max"));
  CHECK_THAT(why("t0.Busy", "%", StatKind::Fraction), Catch::Contains("snake_case"));
  CHECK_THAT(why("busy__x", "%", StatKind::Fraction), Catch::Contains("snake_case"));
  CHECK_THAT(why("occupancy", "records", StatKind::Level), Catch::Contains("not one of"));
  CHECK_THAT(why("spin", "us/s", StatKind::Rate), Catch::Contains("not one of"));
  CHECK_THAT(why("busy", "", StatKind::Fraction), Catch::Contains("not one of"));
  CHECK_THAT(why("busy", "count", StatKind::Fraction), Catch::Contains("does not fit kind fraction"));
  CHECK_THAT(why("issued", "1/s", StatKind::Counter), Catch::Contains("does not fit kind counter"));
  // Counts over the window and rates per second never share a spelling.
  CHECK_THAT(why("taken", "1/s", StatKind::Rate), Catch::Contains("named ..._rate"));
  CHECK_THAT(why("read_hit_rate", "%", StatKind::Fraction), Catch::Contains("_rate is a rate"));

  Stats s;
  StatGroup g = s.group("top.fw", "firmware");
  CHECK_THROWS_AS(g.add("taken", 1, "1/s", StatKind::Rate, "records taken"), std::invalid_argument);
  CHECK_FALSE(s.has("top.fw.taken"));  // refused, not stored
  try {
    g.add("scsi_commands", 1, "1/s", StatKind::Rate, "");
    FAIL("no throw");
  } catch (const std::invalid_argument& e) {
    CHECK_THAT(std::string(e.what()), Catch::Contains("top.fw.scsi_commands"));  // names the offender
  }
}

TEST_CASE("stats: significant digits of a written number", "[stats][convention]") {
  CHECK(most_digits("0.0999864569479") == 12);
  CHECK(most_digits("2.6100000000000003") == 17);
  CHECK(most_digits("2.61") == 3);
  CHECK(most_digits("top.scsi10.t2.queued,4041") == 4);
}

TEST_CASE("stats: natural name order (t2 before t10, disk2 before disk10)", "[stats][convention]") {
  NaturalLess lt;
  CHECK(lt("t2", "t10"));
  CHECK_FALSE(lt("t10", "t2"));
  CHECK(lt("top.scsi0.disk2.busy", "top.scsi0.disk10.busy"));
  CHECK(lt("top.scsi1.disk0", "top.scsi10"));
  CHECK(lt("a", "b"));
  CHECK(lt("disk", "disk0"));
  CHECK_FALSE(lt("t7", "t7"));
  CHECK(lt("t1", "t01") != lt("t01", "t1"));  // distinct names stay distinct
  Stats s;
  for (int t : {10, 2, 1, 0, 11})
    s.group("top.scsi0.t" + std::to_string(t), "scsi_port_target").add("queued", t, "count", StatKind::Level, "q");
  std::vector<std::string> keys;
  for (const auto& [k, v] : s.all()) keys.push_back(k);
  CHECK(keys == std::vector<std::string>{"top.scsi0.t0.queued", "top.scsi0.t1.queued", "top.scsi0.t2.queued",
                                         "top.scsi0.t10.queued", "top.scsi0.t11.queued"});
  CHECK(s.groups_of("scsi_port_target").back() == "top.scsi0.t11");
}

TEST_CASE("histogram: log bins, edges, nothing lost outside the range", "[stats][convention]") {
  Histogram h(1e-3, 1e5, 10, "ms");
  REQUIRE(h.bins() == 80);
  CHECK(h.edge(0) == 1e-3);
  CHECK(h.edge(10) == Approx(1e-2).epsilon(1e-12));
  CHECK(h.edge(80) == 1e5);
  for (size_t i = 0; i < h.bins(); ++i) CHECK(h.edge(i) < h.edge(i + 1));
  // Every bin's own lower edge lands in that bin (log10 rounding settled).
  for (size_t i = 0; i < h.bins(); ++i) h.add(h.edge(i));
  for (size_t i = 0; i < h.bins(); ++i) CHECK(h.counts()[i] == 1);
  h.clear();
  h.add(5.0);      // 10^0.69..: bin 36 covers [10^0.6, 10^0.7) ms
  h.add(0.0);      // below 1 us
  h.add(1e-4);     // below 1 us
  h.add(1e5);      // the top edge: overflow
  h.add(std::nan(""));  // counted, never dropped
  CHECK(h.counts()[36] == 1);
  CHECK(h.underflow() == 3);
  CHECK(h.overflow() == 1);
  CHECK(h.total() == 5);
  Stats s;
  CHECK_THROWS_AS(s.group("top.workload", "workload").histogram("latency_ms", h, "x"), std::invalid_argument);
  s.group("top.workload", "workload").histogram("latency", h, "issue to completion");
  CHECK(s.histograms().at("top.workload.latency").h.total() == 5);
}

namespace {
// Every scenario shipped in scenarios/, with the sets that keep its run short
// and valid (a streaming run needs several periods, a fault must fall in the window).
struct Shipped {
  std::string file;
  std::vector<std::string> sets;
};
std::vector<Shipped> shipped_scenarios() {
  namespace fs = std::filesystem;
  std::vector<Shipped> out;
  for (const auto& e : fs::recursive_directory_iterator(std::string(IOSIM_SOURCE_DIR) + "/scenarios")) {
    const std::string p = e.path().string();
    if (e.path().extension() != ".yaml" || p.find("/paper/") != std::string::npos) continue;  // table1: a table, not a run
    std::vector<std::string> sets{"run.warmup=0.2s", "run.duration=0.4s"};
    if (p.find("/streaming/") != std::string::npos) sets = {"run.duration=3s"};
    if (p.find("faults") != std::string::npos) sets = {};
    out.push_back({p, sets});
  }
  std::sort(out.begin(), out.end(), [](const Shipped& a, const Shipped& b) { return a.file < b.file; });
  return out;
}
}  // namespace

TEST_CASE("stats convention: every shipped scenario's statistics follow it, in both outputs", "[stats][convention][cli]") {
  namespace fs = std::filesystem;
  const auto all = shipped_scenarios();
  REQUIRE(all.size() >= 10);
  const fs::path dir = fs::temp_directory_path() / ("iosim_stats_conv_" + std::to_string(getpid()));
  for (const auto& sc : all) {
    INFO(sc.file);
    const fs::path out = dir / fs::path(sc.file).stem();
    std::vector<std::string> a{"run", sc.file, "--quiet", "--out", out.string()};
    for (const auto& s : sc.sets) a.push_back("--set"), a.push_back(s);
    const auto r = itest::run_iosim(a);
    INFO(r.err);
    REQUIRE(r.status == 0);  // StatGroup::add throws on any offender: the run would fail
    const auto j = nlohmann::ordered_json::parse(itest::slurp((out / "results.json").string()));
    // JSON: natural order, a description, unit and kind on every statistic, and each
    // passes the convention check the reader can redo.
    std::string prev;
    for (const auto& [k, v] : j.at("stats").items()) {
      INFO(k);
      if (!prev.empty()) CHECK(NaturalLess()(prev, k));
      prev = k;
      CHECK_FALSE(v.at("desc").get<std::string>().empty());
      CHECK_FALSE(v.at("unit").get<std::string>().empty());
      CHECK(v.at("value").is_number());
    }
    // Clean numbers, as written in the file (nlohmann's own dump is not always shortest).
    const std::string file = itest::slurp((out / "results.json").string());
    const size_t from = file.find("\n  \"stats\": {"), to = file.find("\n  \"histograms\": {");
    REQUIRE(from < to);
    REQUIRE(to != std::string::npos);
    const std::string text = file.substr(from, to - from);
    static const std::regex value(R"("value": ([-0-9.eE+]+))");
    size_t values = 0;
    for (auto m = std::sregex_iterator(text.begin(), text.end(), value); m != std::sregex_iterator(); ++m, ++values)
      CHECK(most_digits((*m)[1].str()) <= 12);
    CHECK(values == j.at("stats").size());
    // The CSV: the same statistics in the same order, each with its description.
    const std::string csv = itest::slurp((out / "results.csv").string());
    std::istringstream lines(csv);
    std::string line;
    std::getline(lines, line);
    CHECK(line == "statistic,value,unit,kind,description");
    auto it = j.at("stats").items().begin();
    size_t rows = 0;
    while (std::getline(lines, line)) {
      INFO(line);
      REQUIRE(it != j.at("stats").items().end());
      CHECK(line.rfind(it.key() + ",", 0) == 0);
      CHECK(line.back() != ',');  // a description last
      CHECK(most_digits(line.substr(0, line.find(',', line.find(',') + 1))) <= 12);
      ++it, ++rows;
    }
    CHECK(rows == j.at("stats").size());
    // One latency histogram per workload, holding every request it counted.
    const auto& h = j.at("histograms");
    for (const auto& [g, type] : j.at("groups").items()) {
      if (type != "workload") continue;
      INFO(g);
      REQUIRE(h.contains(g + ".latency"));
      const auto& l = h.at(g + ".latency");
      CHECK(l.at("unit") == "ms");
      CHECK(l.at("edges").size() == l.at("counts").size() + 1);
      uint64_t n = l.at("underflow").get<uint64_t>() + l.at("overflow").get<uint64_t>();
      for (const auto& c : l.at("counts")) n += c.get<uint64_t>();
      CHECK(n == l.at("total").get<uint64_t>());
      CHECK(double(n) == j.at("stats").at(g + ".completed").at("value").get<double>());
    }
  }
  std::error_code ec;
  fs::remove_all(dir, ec);
}

TEST_CASE("iosim run --plot draws the latency histogram", "[stats][convention][cli]") {
  namespace fs = std::filesystem;
  const fs::path out = fs::temp_directory_path() / ("iosim_stats_plot_" + std::to_string(getpid()));
  const auto r = itest::run_iosim({"run", std::string(IOSIM_SOURCE_DIR) + "/scenarios/platforms/x342_async.yaml",
                                   "--set", "run.duration=0.3s", "--out", out.string(), "--plot"});
  INFO(r.err);
  REQUIRE(r.status == 0);
  // The data and the script always; the pictures when gnuplot is installed.
  const std::string dat = itest::slurp((out / "latency.dat").string());
  CHECK_THAT(dat, Catch::Contains("# top.workload.latency"));
  CHECK(fs::exists(out / "latency.gp"));
  if (r.err.find("gnuplot not found") == std::string::npos) {
    CHECK(fs::file_size(out / "latency.png") > 0);
    CHECK(fs::file_size(out / "latency.svg") > 0);
    CHECK_THAT(r.out, Catch::Contains("latency.png"));
  }
  std::error_code ec;
  fs::remove_all(out, ec);
}

TEST_CASE("results.json is clean, run --json exact: the same statistics within 12 digits", "[stats][convention][cli]") {
  namespace fs = std::filesystem;
  const fs::path out = fs::temp_directory_path() / ("iosim_stats_exact_" + std::to_string(getpid()));
  const auto r = itest::run_iosim({"run", std::string(IOSIM_SOURCE_DIR) + "/scenarios/platforms/x342_sync.yaml",
                                   "--set", "run.duration=0.3s", "--out", out.string(), "--json", "--quiet"});
  INFO(r.err);
  REQUIRE(r.status == 0);
  const auto exact = nlohmann::json::parse(r.out).at("stats");
  const auto file = nlohmann::json::parse(itest::slurp((out / "results.json").string())).at("stats");
  REQUIRE(exact.size() == file.size());
  size_t differ = 0;
  for (const auto& [k, v] : exact.items()) {
    INFO(k);
    const double a = v.at("value").get<double>(), b = file.at(k).at("value").get<double>();
    CHECK(std::abs(a - b) <= 5e-12 * std::abs(a));
    differ += a != b;
  }
  CHECK(differ > 0);  // some figures carry more than 12 digits: the file did round them
  std::error_code ec;
  fs::remove_all(out, ec);
}
