// `iosim sweep`'s values (sim/sweep_values.*): lists and ranges with units,
// located errors, the plot axis, and the Student t quantile of the seeds'
// confidence intervals. Pure functions: no child processes.
#include "sim/config/error.hpp"
#include "sim/sweep_values.hpp"

#include <catch2/catch.hpp>

using namespace iosim;
using Catch::Matchers::Contains;
using V = std::vector<std::string>;

TEST_CASE("sweep values: geometric and arithmetic ranges and lists with units", "[sweep][unit]") {
  CHECK(expand_values("8:1024:x2") == V{"8", "16", "32", "64", "128", "256", "512", "1024"});
  const V r = expand_values("1000/s:8000/s:+500/s");
  REQUIRE(r.size() == 15);
  CHECK(r[0] == "1000/s");
  CHECK(r[1] == "1500/s");
  CHECK(r[14] == "8000/s");
  // In START's unit, STOP given in another unit of the same kind.
  CHECK(expand_values("4KiB:1MiB:x4") == V{"4KiB", "16KiB", "64KiB", "256KiB", "1024KiB"});
  // STOP is included only when a step lands on it.
  CHECK(expand_values("1:10:+4") == V{"1", "5", "9"});
  CHECK(expand_values("1:10:x3") == V{"1", "3", "9"});
  // No float noise: 0.1 + 2 x 0.1 is written 0.3.
  CHECK(expand_values("0.1s:0.3s:+0.1s") == V{"0.1s", "0.2s", "0.3s"});
  CHECK(expand_values("10%:30%:+10%") == V{"10%", "20%", "30%"});
  CHECK(expand_values("100ms:1s:+300ms") == V{"100ms", "400ms", "700ms", "1000ms"});
  // Items of a list may be literals or ranges.
  CHECK(expand_values("4KiB, 16KiB:64KiB:x2,sptf") == V{"4KiB", "16KiB", "32KiB", "64KiB", "sptf"});
  const ParamSpec p = parse_param("workload.block=4KiB,16KiB", 1);
  CHECK(p.key == "workload.block");
  CHECK(p.values == V{"4KiB", "16KiB"});
}

TEST_CASE("sweep values: malformed items are located errors with a hint", "[sweep][unit]") {
  auto err = [](const std::string& arg) -> config::ConfigError {
    try {
      parse_param(arg, 2);
    } catch (const config::ConfigError& e) {
      return e;
    }
    FAIL("no error for " << arg);
    throw;
  };
  {
    const auto e = err("workload.processes=8:1024");
    CHECK(e.file() == "--param");
    CHECK(e.line() == 2);  // the second --param
    CHECK_THAT(e.message(), Contains("not a range"));
    CHECK_THAT(e.hint(), Contains("START:STOP:xFACTOR"));
  }
  {
    const auto e = err("workload.processes=8:1024:2");
    CHECK_THAT(e.message(), Contains("neither 'x'"));
    CHECK(e.col() == int(std::string("workload.processes=8:1024:").size()) + 1);  // at the step
  }
  CHECK_THAT(err("workload.processes=8:1024:x1").message(), Contains("not a number above 1"));
  CHECK_THAT(err("workload.rate=1000/s:8000/s:+0/s").message(), Contains("not above 0"));
  CHECK_THAT(err("workload.block=1KiB:10ms:x2").message(), Contains("not quantities of one kind"));
  CHECK_THAT(err("workload.processes=64:8:x2").message(), Contains("above STOP"));
  CHECK_THAT(err("workload.block=4KiB,,8KiB").message(), Contains("empty value"));
  CHECK_THAT(err("workload.processes=1:1e9:+1").message(), Contains("more than"));
  CHECK_THAT(err("workload.block").message(), Contains("not KEY=VALUES"));
  CHECK(err("workload.block=4KiB,,8KiB").key_path() == "workload.block");
}

TEST_CASE("sweep values: plot axis in the first value's unit", "[sweep][unit]") {
  CHECK(axis_value("1MiB", "4KiB").value() == Approx(1024));
  CHECK(axis_value("1500/s", "1000/s").value() == Approx(1500));
  CHECK(axis_value("2s", "500ms").value() == Approx(2000));
  CHECK(axis_value("32", "8").value() == Approx(32));
  CHECK_FALSE(axis_value("sptf", "fcfs").has_value());
  CHECK_FALSE(axis_value("4KiB", "8").has_value());
  CHECK(unit_suffix("4KiB") == "KiB");
  CHECK(unit_suffix("8") == "");
}

TEST_CASE("sweep values: Student t 95% quantiles", "[sweep][unit]") {
  // Reference values: t_{0.975, df} (any statistics table).
  CHECK(student_t95(1) == Approx(12.7062).epsilon(1e-5));
  CHECK(student_t95(2) == Approx(4.3027).epsilon(1e-5));
  CHECK(student_t95(9) == Approx(2.2622).epsilon(1e-5));
  CHECK(student_t95(30) == Approx(2.0423).epsilon(1e-5));
  // The expansion above the table, against exact values.
  CHECK(student_t95(31) == Approx(2.0395).epsilon(1e-4));
  CHECK(student_t95(60) == Approx(2.0003).epsilon(1e-4));
  CHECK(student_t95(120) == Approx(1.9799).epsilon(1e-4));
  CHECK(student_t95(100000) == Approx(1.95998).epsilon(1e-4));
  // Falls with the degrees of freedom everywhere, across the table's end too.
  for (int df = 1; df < 200; ++df) CHECK(student_t95(df + 1) < student_t95(df));
}
