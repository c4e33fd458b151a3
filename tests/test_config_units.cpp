// Quantity parsing and formatting (sim/config/units.hpp): values against the
// unit definitions, rejects with their messages, and format -> parse round trips.
#include <catch2/catch.hpp>

#include "sim/config/units.hpp"

using namespace iosim::config;
using Catch::Matchers::Contains;

static double q(Kind k, const std::string& s) { return parse_quantity(k, s).value; }

static std::string err(Kind k, const std::string& s) {
  try {
    parse_quantity(k, s);
  } catch (const UnitError& e) {
    return e.message + " | " + e.hint;
  }
  return "<no error>";
}

TEST_CASE("config units: times parse into seconds", "[config][units]") {
  CHECK(q(Kind::Time, "100ms") == Approx(0.1));
  CHECK(q(Kind::Time, "2.4us") == Approx(2.4e-6));
  CHECK(q(Kind::Time, "2.4 \xC2\xB5s") == Approx(2.4e-6));
  CHECK(q(Kind::Time, "5 ns") == Approx(5e-9));
  CHECK(q(Kind::Time, "1ps") == Approx(1e-12));
  CHECK(q(Kind::Time, "1.5e-3s") == Approx(1.5e-3));
  CHECK(q(Kind::Time, "+2s") == Approx(2));
  CHECK(q(Kind::Time, "2min") == Approx(120));
  CHECK(q(Kind::Time, "0") == 0);  // zero needs no unit
  CHECK(q(Kind::Time, "-5ms") == Approx(-5e-3));  // sign is the caller's business
}

TEST_CASE("config units: sizes: k/M/G prefixes are binary, sectors are 512 B", "[config][units]") {
  CHECK(q(Kind::Size, "4KiB") == 4096);
  CHECK(q(Kind::Size, "1kB") == 1024);  // the paper's "kB" blocks
  CHECK(q(Kind::Size, "8192KB") == 8192.0 * 1024);
  CHECK(q(Kind::Size, "8MB") == 8.0 * 1024 * 1024);
  CHECK(q(Kind::Size, "4 GiB") == 4.0 * 1024 * 1024 * 1024);
  CHECK(q(Kind::Size, "512B") == 512);
  CHECK(q(Kind::Size, "8 sectors") == 4096);
}

TEST_CASE("config units: rates are decimal unless spelled with iB", "[config][units]") {
  CHECK(q(Kind::Rate, "320MB/s") == Approx(320e6));
  CHECK(q(Kind::Rate, "240MiB/s") == Approx(240.0 * 1024 * 1024));
  CHECK(q(Kind::Rate, "1066 MB/s") == Approx(1066e6));
  CHECK(q(Kind::Rate, "1Gbit/s") == Approx(125e6));
  CHECK(q(Kind::IoRate, "500/s") == 500);
  CHECK(q(Kind::IoRate, "500 1/s") == 500);
  CHECK(q(Kind::IoRate, "4286 IO/s") == 4286);
  CHECK(q(Kind::IoRate, "2kHz") == 2000);
}

TEST_CASE("config units: frequency, rotation, cycles, fraction", "[config][units]") {
  CHECK(q(Kind::Frequency, "1.26GHz") == Approx(1.26e9));
  CHECK(q(Kind::Frequency, "133MHz") == Approx(133e6));
  CHECK(q(Kind::Rotation, "15000rpm") == Approx(250));  // rev/s
  CHECK(q(Kind::Rotation, "250rps") == Approx(250));
  CHECK(q(Kind::Cycles, "200") == 200);
  CHECK(q(Kind::Cycles, "200 cycles") == 200);
  CHECK(q(Kind::Fraction, "50%") == Approx(0.5));
  CHECK(q(Kind::Fraction, "0.79") == Approx(0.79));
}

TEST_CASE("config units: quantity rejects name the problem", "[config][units]") {
  CHECK_THAT(err(Kind::Time, "10 parsecs"), Contains("unknown unit 'parsecs'"));
  CHECK_THAT(err(Kind::Time, "5"), Contains("missing unit"));
  CHECK_THAT(err(Kind::Time, "5"), Contains("100ms"));
  CHECK_THAT(err(Kind::Time, "15000rpm"), Contains("'rpm' is a unit of a rotation speed"));
  CHECK_THAT(err(Kind::Rotation, "10ms"), Contains("'ms' is a unit of a time"));
  CHECK_THAT(err(Kind::Size, "4kib"), Contains("did you mean 'KiB'"));
  CHECK_THAT(err(Kind::Time, "fast"), Contains("is not a time"));
  CHECK_THAT(err(Kind::Time, "inf s"), Contains("not a finite number"));
  CHECK_THAT(err(Kind::Time, "1e999s"), Contains("out of range"));
  CHECK_THAT(err(Kind::Time, ""), Contains("empty value"));
  CHECK_THAT(err(Kind::Time, "+-5ms"), Contains("is not a time"));
  CHECK_THAT(err(Kind::Size, "4096"), Contains("missing unit"));
}

TEST_CASE("config units: unit error offsets point at the unit", "[config][units]") {
  try {
    parse_quantity(Kind::Time, "10 parsecs");
    FAIL("no error");
  } catch (const UnitError& e) {
    CHECK(e.offset == 3);
  }
}

TEST_CASE("config units: formatting picks a unit and parses back", "[config][units]") {
  CHECK(format_time(1.5e-3) == "1.500 ms");
  CHECK(format_time(2.4e-6) == "2.400 us");
  CHECK(format_time(3) == "3.000 s");
  CHECK(format_size(4096) == "4 KiB");
  CHECK(format_size(8.0 * 1024 * 1024) == "8 MiB");
  CHECK(format_size(1536.5) == "1.500 KiB");
  CHECK(format_rate(320e6) == "320.000 MB/s");
  CHECK(format_freq(1.26e9) == "1.260 GHz");
  CHECK(format_rotation(250) == "15000.000 rpm");
  CHECK(format_fraction(0.5) == "50.000%");
  const std::pair<Kind, double> cases[] = {
      {Kind::Time, 1.5e-3},  {Kind::Time, 7.4e-3},      {Kind::Time, 2.5e-10},
      {Kind::Size, 4096},    {Kind::Size, 3 * 1048576.}, {Kind::Rate, 234e6},
      {Kind::IoRate, 4286},  {Kind::Frequency, 133e6},  {Kind::Rotation, 250},
      {Kind::Cycles, 17},    {Kind::Fraction, 0.79}};
  for (const auto& [k, v] : cases) {
    INFO(kind_name(k) << " " << v << " -> " << format_quantity(k, v));
    CHECK(parse_quantity(k, format_quantity(k, v)).value == Approx(v).epsilon(1e-3));
  }
}
