// Representable ranges (sim/config/reader.cpp) and the loader's structural
// limits (sim/config/node.cpp), tested on the config layer directly: each
// bound is probed on both sides, so moving it either way fails a check.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>

#include "sim/config/node.hpp"
#include "sim/config/reader.hpp"
#include "tests/test_config_util.hpp"

using namespace iosim::config;
using namespace iosim::config::test;
using Catch::Matchers::Contains;

namespace {

// Reads `key: text` as a quantity of kind k.
double read_q(Kind k, const std::string& text) {
  const Reader r(load_config_string("v: " + text + "\n", "t.yaml"));
  return r.quantity(k, "v", -1, Bounds::any());
}

std::string q_error(Kind k, const std::string& text) {
  const ConfigError e = expect_error([&] { read_q(k, text); });
  CHECK(e.line() == 1);
  CHECK(e.col() == 4);
  CHECK(e.key_path() == "v");
  return e.message();
}

}  // namespace

TEST_CASE("ranges: a time is 0 or within [1 ps, 2^64 ps]", "[config][loader]") {
  CHECK(read_q(Kind::Time, "0") == 0);
  CHECK(read_q(Kind::Time, "1ps") == Approx(1e-12));
  CHECK(read_q(Kind::Time, "18446744s") == Approx(18446744.0));  // just under 2^64 ps
  CHECK_THAT(q_error(Kind::Time, "0.5ps"), Contains("1 ps"));
  CHECK_THAT(q_error(Kind::Time, "18446745s"), Contains("2^64 ps"));
  CHECK_THAT(q_error(Kind::Time, "1e30s"), Contains("cannot be simulated"));
  CHECK_THAT(q_error(Kind::Time, "1e-300s"), Contains("cannot be simulated"));
}

TEST_CASE("ranges: a frequency or request rate has a period within [1 ps, 2^64 ps]", "[config][loader]") {
  CHECK(read_q(Kind::Frequency, "900GHz") == Approx(900e9));
  CHECK(read_q(Kind::Frequency, "1e-7Hz") == Approx(1e-7));
  CHECK_THAT(q_error(Kind::Frequency, "1100GHz"), Contains("period"));
  CHECK_THAT(q_error(Kind::Frequency, "1e-30Hz"), Contains("period"));
  CHECK_THAT(q_error(Kind::IoRate, "2e12/s"), Contains("period"));
  CHECK_THAT(q_error(Kind::Rotation, "1e-10rpm"), Contains("period"));
  CHECK(read_q(Kind::IoRate, "1e-3/s") == Approx(1e-3));
}

TEST_CASE("ranges: a data rate moves a byte within 2^64 ps, cycles fit at 1 MHz", "[config][loader]") {
  CHECK(read_q(Kind::Rate, "1B/s") == 1);
  CHECK_THAT(q_error(Kind::Rate, "1e-30B/s"), Contains("one byte"));
  CHECK(read_q(Kind::Cycles, "1e13") == 1e13);  // 10^7 s at 1 MHz < 2^64 ps
  CHECK_THAT(q_error(Kind::Cycles, "1e14"), Contains("1 MHz"));
}

TEST_CASE("ranges: a range with two finite ends is printed whole", "[config][loader]") {
  const Reader r(load_config_string("clock: 1Hz\nok: 2MHz\n", "t.yaml"));
  const ConfigError e = expect_error([&] { r.freq("clock", 1e9, Bounds::range(1e6, 500e9)); });
  CHECK(e.message() == "must be in [1.000 MHz, 500.000 GHz] (got 1Hz)");
  CHECK(r.freq("ok", 1e9, Bounds::range(1e6, 500e9)) == Approx(2e6));
}

TEST_CASE("structure: nesting depth and value count are bounded", "[config][loader]") {
  // 63 list levels under the root map: 64 levels, the limit, loads.
  CHECK_NOTHROW(load_config_string("a: " + std::string(63, '[') + std::string(63, ']') + "\n"));
  const ConfigError deep = expect_error(
      [&] { load_config_string("a: " + std::string(64, '[') + std::string(64, ']') + "\n"); });
  CHECK_THAT(deep.message(), Contains("nesting deeper than 64"));
  const ConfigError self = expect_error([&] { load_config_string("a: &x [1, *x]\n"); });
  CHECK_THAT(self.message(), Contains("nesting deeper than 64"));
  CHECK(self.line() == 1);
  // 100000 values in all (root map + key values) pass; one more does not.
  auto list = [](int n) {
    std::string s = "a: [";
    for (int i = 0; i < n; ++i) s += i ? ",1" : "1";
    return s + "]\n";
  };
  CHECK_NOTHROW(load_config_string(list(100000 - 2)));
  CHECK_THAT(expect_error([&] { load_config_string(list(100000 - 1)); }).message(),
             Contains("more than 100000 values"));
}

TEST_CASE("structure: --set list indexes beyond size_t are a located error", "[config][loader]") {
  const ConfigError e =
      expect_error([&] { load_config_string("a: [1]\n", "t.yaml", {"a[18446744073709551616]=2"}); });
  CHECK(e.file() == "--set");
  CHECK(e.col() == 3);
  CHECK_THAT(e.message(), Contains("out of range"));
  // The largest size_t parses, then is out of the list's range (a different error).
  const ConfigError big =
      expect_error([&] { load_config_string("a: [1]\n", "t.yaml", {"a[18446744073709551615]=2"}); });
  CHECK_THAT(big.message(), Contains("the list has 1 items"));
}

TEST_CASE("structure: one document, nothing after it, first key in column 1", "[config][loader]") {
  CHECK_NOTHROW(load_config_string("---\na: 1\n...\n"));
  CHECK_NOTHROW(load_config_string("--- # comment\na: 1\n"));
  const ConfigError two = expect_error([&] { load_config_string("a: 1\n---\nb: 2\n"); });
  CHECK(two.line() == 2);
  const ConfigError after = expect_error([&] { load_config_string("a: 1\n...\n\nb: 2\n"); });
  CHECK(after.line() == 4);
  const ConfigError indent = expect_error([&] { load_config_string("# c\n  a: 1\nb: 2\n"); });
  CHECK(indent.line() == 2);
  CHECK(indent.col() == 3);
  // A --set value is one document too.
  CHECK_THAT(expect_error([&] { load_config_string("a: 1\n", "t", {"a=1\n---\n2"}); }).message(),
             Contains("second YAML document"));
}
