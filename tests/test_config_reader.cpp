// Typed access (sim/config/reader.hpp): values in SI units, defaults, precise
// errors for wrong types / units / ranges, and unknown keys with suggestions.
#include <catch2/catch.hpp>

#include <functional>
#include <sstream>

#include "sim/config/reader.hpp"
#include "tests/test_config_util.hpp"

using namespace iosim::config;
using namespace iosim::config::test;
using Catch::Matchers::Contains;
using Catch::Matchers::EndsWith;

// What a module loader would do with the fixtures' schema.
struct DiskCfg {
  double rev_per_s = 0, settle = 0;
  std::uint64_t buffer = 0;
  std::string sched;
  std::vector<double> zones;
};
static DiskCfg read_all(const Reader& r) {
  const Reader h = r.section("host");
  h.integer("cpus", 1, 1, 64);
  h.freq("clock", 1e9);
  h.time("syscall", 0.3e-6);
  r.section("bus").rate("rate", 320e6);
  const Reader w = r.section("workload");
  w.sizes("block", {4096});
  w.time("period", 1);
  const Reader d = r.section("disk");
  DiskCfg c;
  c.rev_per_s = d.rotation("rpm", 250);
  c.settle = d.time("seek_settle", 0.1e-3);
  c.buffer = d.size("buffer", 1 << 20);
  c.sched = d.choice("scheduler", "fcfs", {"fcfs", "sstf", "sptf"});
  c.zones = d.quantities(Kind::Rate, "zones", {50e6});
  return c;
}

TEST_CASE("config reader: values come out in SI units", "[config][reader]") {
  Reader r(load_config(fixture("scenario.yaml")));
  const DiskCfg c = read_all(r);
  CHECK(c.rev_per_s == Approx(10000.0 / 60));
  CHECK(c.settle == Approx(0.2e-3));
  CHECK(c.buffer == 8u * 1024 * 1024);
  CHECK(c.sched == "sptf");
  REQUIRE(c.zones.size() == 1);
  CHECK(c.zones[0] == Approx(60e6));
  CHECK(r.section("host").freq("clock", 0) == Approx(1.26e9));
  CHECK(r.section("workload").sizes("block", {}) == std::vector<std::uint64_t>{1024, 4096});
  CHECK(r.section("workload").time("missing", 7.5) == 7.5);  // absent -> default
  CHECK_THAT(r.section("disk").origin("seek_settle"), Contains("platform.yaml:7:16"));
  CHECK(r.section("disk").origin("missing") == "default");
  CHECK_NOTHROW(r.finish());
}

TEST_CASE("config reader: --set takes precedence and a scalar is a list of one",
          "[config][reader]") {
  Reader r(load_config(fixture("scenario.yaml"), {"workload.block=2KiB", "disk.rpm=15000rpm"}));
  CHECK(r.section("workload").sizes("block", {}) == std::vector<std::uint64_t>{2048});
  CHECK(r.section("disk").rotation("rpm", 0) == Approx(250));
}

TEST_CASE("config reader: a null value means the default", "[config][reader]") {
  Reader r(load_config(fixture("scenario.yaml"), {"disk.rpm="}));
  CHECK(r.section("disk").rotation("rpm", 123) == 123);
  CHECK_FALSE(r.section("disk").has("rpm"));
}

TEST_CASE("config reader: typos are unknown keys with the nearest valid key",
          "[config][reader]") {
  Reader r(load_config(fixture("typo.yaml")));
  const DiskCfg c = read_all(r);
  CHECK(c.rev_per_s == Approx(250));  // platform's value: the typo did not set it
  const auto e = expect_error([&] { r.finish(); });
  REQUIRE(e.diagnostics().size() == 2);
  const Diagnostic& d0 = e.diagnostics()[0];
  CHECK_THAT(d0.mark.file(), EndsWith("typo.yaml"));
  CHECK(d0.mark.line == 3);
  CHECK(d0.mark.col == 3);
  CHECK(d0.path == "disk.rmp");
  CHECK(d0.message == "unknown key 'rmp'");
  CHECK(d0.hint == "did you mean 'rpm'?");
  const Diagnostic& d1 = e.diagnostics()[1];
  CHECK(d1.mark.line == 4);
  CHECK(d1.hint == "did you mean 'seek_settle'?");
  const std::string w = e.what();
  CHECK_THAT(w, Contains("typo.yaml:3:3: disk.rmp: unknown key 'rmp'"));
  CHECK_THAT(w, Contains("typo.yaml:4:3: disk.seek_setle: unknown key 'seek_setle'"));
}

TEST_CASE("config reader: unknown keys from --set and far-off names", "[config][reader]") {
  Reader r(load_config(fixture("scenario.yaml"), {"dsik.rpm=1rpm", "zzzz=1"}));
  read_all(r);
  const auto e = expect_error([&] { r.finish(); });
  REQUIRE(e.diagnostics().size() == 2);
  CHECK(e.diagnostics()[0].mark.file() == "--set");
  CHECK(e.diagnostics()[0].mark.line == 1);
  CHECK(e.diagnostics()[0].mark.col == 1);
  CHECK(e.diagnostics()[0].hint == "did you mean 'disk'?");
  // Nothing close: list what is valid instead of guessing.
  CHECK(e.diagnostics()[1].mark.line == 2);
  CHECK(e.diagnostics()[1].hint == "valid keys here: bus, disk, host, workload");
}

TEST_CASE("config reader: a section nobody reads is reported, ignore() accepts it",
          "[config][reader]") {
  {
    Reader r(load_config(fixture("scenario.yaml")));
    r.section("host").integer("cpus", 1);
    r.section("host").freq("clock", 1);
    r.section("host").time("syscall", 1);
    r.ignore("disk");
    r.ignore("bus");
    r.ignore("workload");
    CHECK_NOTHROW(r.finish());
  }
  Reader r(load_config(fixture("scenario.yaml")));
  r.ignore("disk");
  r.ignore("bus");
  r.ignore("workload");
  r.has("host");  // asked for, but its keys never read
  const auto e = expect_error([&] { r.finish(); });
  CHECK(e.diagnostics().size() == 3);
  CHECK(e.key_path() == "host.cpus");
}

TEST_CASE("config reader: wrong kinds, ranges and types are located", "[config][reader]") {
  const Reader d = Reader(load_config(fixture("wrong_values.yaml"))).section("disk");
  struct Case {
    std::function<void()> read;
    int line, col;
    const char* path;
    const char* msg;
  };
  const Case cases[] = {
      {[&] { d.rotation("rpm", 1); }, 2, 10, "disk.rpm", "'ms' is a unit of a time"},
      {[&] { d.time("seek_settle", 1); }, 3, 16, "disk.seek_settle", "must not be negative"},
      {[&] { d.size("buffer", 1); }, 4, 13, "disk.buffer", "unknown unit 'parsecs'"},
      {[&] { d.integer("queue_depth", 1, 1, 64); }, 5, 16, "disk.queue_depth",
       "must be in [1, 64]"},
      {[&] { d.choice("scheduler", "fcfs", {"fcfs", "sstf", "sptf"}); }, 6, 14,
       "disk.scheduler", "'sptff' is not one of: fcfs, sstf, sptf"},
      {[&] { d.quantities(Kind::Rate, "zones", {}); }, 7, 10, "disk.zones",
       "expected a data rate, got a map"},
      {[&] { d.integer("heads", 1); }, 8, 10, "disk.heads", "expected an integer"},
      {[&] { d.boolean("spin", true); }, 9, 9, "disk.spin", "expected true or false"},
      {[&] { d.required_time("missing"); }, 2, 3, "disk.missing", "missing required key"},
      {[&] { d.section("rpm"); }, 2, 8, "disk.rpm", "expected a map"},
  };
  for (const auto& c : cases) {
    const auto e = expect_error(c.read);
    INFO(e.what());
    CHECK_THAT(e.file(), EndsWith("wrong_values.yaml"));
    CHECK(e.line() == c.line);
    CHECK(e.col() == c.col);
    CHECK(e.key_path() == c.path);
    CHECK_THAT(e.message(), Contains(c.msg));
  }
  CHECK(expect_error([&] { d.choice("scheduler", "", {"fcfs", "sstf", "sptf"}); }).hint() ==
        "did you mean 'sptf'?");
}

TEST_CASE("config reader: missing units, fractions, whole bytes, bounds", "[config][reader]") {
  Reader r(load_config_string("t: 5\nf: 50\np: 50%\nb: 0.5B\nz: 0\nq: 0MHz\nx: 2.5\n"));
  const auto t = expect_error([&] { r.time("t", 0); });
  CHECK_THAT(t.message(), Contains("missing unit"));
  CHECK(t.col() == 5);  // where the unit should be
  CHECK_THAT(expect_error([&] { r.fraction("f", 0); }).hint(), Contains("write 50%"));
  CHECK(r.fraction("p", 0) == Approx(0.5));
  CHECK_THAT(expect_error([&] { r.size("b", 0); }).message(), Contains("whole number of bytes"));
  CHECK(r.time("z", 1) == 0);
  CHECK_THAT(expect_error([&] { r.freq("q", 1); }).message(), Contains("greater than 0"));
  CHECK(r.real("x", 0, Bounds::range(0, 3)) == 2.5);
  CHECK_THAT(expect_error([&] { r.real("x", 0, Bounds::range(0, 1)); }).message(),
             Contains("must be in [0, 1]"));
  CHECK_THAT(expect_error([&] { r.time("x", 0, Bounds::range(0, 1)); }).message(),
             Contains("missing unit"));
}

TEST_CASE("config reader: lists of sections, keys(), fail()", "[config][reader]") {
  Reader r(load_config_string("disks:\n  - {rpm: 15000rpm}\n  - {rpm: 10000rpm, rmp: 1}\n"
                              "named: {d0: {x: 1}, d1: {x: 2}}\n"));
  const auto disks = r.list("disks", 1);
  REQUIRE(disks.size() == 2);
  CHECK(disks[1].rotation("rpm", 0) == Approx(10000.0 / 60));
  disks[0].rotation("rpm", 0);
  CHECK(disks[1].path() == "disks[1]");
  const Reader named = r.section("named");
  const auto ks = named.keys();
  CHECK(ks == std::vector<std::string>{"d0", "d1"});
  for (const auto& k : ks) named.section(k).integer("x", 0);
  const auto e = expect_error([&] { r.finish(); });
  REQUIRE(e.diagnostics().size() == 1);
  CHECK(e.key_path() == "disks[1].rmp");
  CHECK(e.line() == 3);
  CHECK(e.hint() == "did you mean 'rpm'?");
  const auto f = expect_error([&] { disks[0].fail("rpm", "too fast for this bus"); });
  CHECK(f.line() == 2);
  CHECK(f.key_path() == "disks[0].rpm");
  CHECK(expect_error([&] { r.list("disks", 3); }).message() ==
        "expected at least 3 item(s), got 2");
}

TEST_CASE("config reader: guard_config_errors maps errors to exit status 2", "[config][reader]") {
  std::ostringstream err;
  const int rc = guard_config_errors(
      [] {
        Reader r(load_config(fixture("wrong_values.yaml")));
        r.section("disk").rotation("rpm", 1);
        return 0;
      },
      err);
  CHECK(rc == 2);
  CHECK_THAT(err.str(), Contains("wrong_values.yaml:2:10: disk.rpm: 'ms' is a unit of a time"));
  CHECK(guard_config_errors([] { return 0; }, err) == 0);
}
