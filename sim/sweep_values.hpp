#pragma once
// The value side of `iosim sweep`: `--param KEY=VALUES` arguments (lists and
// ranges with units), and the Student t quantile of the seeds' confidence
// intervals. Pure functions, unit-tested in tests/test_sweep_values.cpp.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace iosim {

struct ParamSpec {
  std::string key;                  // e.g. workload.rate
  std::vector<std::string> values;  // literals, each as `--set key=value` takes it
};

// Most values one --param may expand to (a range with a typo in its step
// would otherwise fill memory).
constexpr size_t kMaxSweepValues = 10000;

// VALUES: comma-separated items, each a literal (`4KiB`, `sptf`) or a range
//   START:STOP:xFACTOR  geometric, e.g. 8:1024:x2 -> 8,16,...,1024
//   START:STOP:+STEP    arithmetic, e.g. 1000/s:8000/s:+500/s -> 1000/s,...,8000/s
// STOP is included when the steps land on it (to 1e-9 relative). START, STOP
// and STEP are quantities of one kind (sim/config/units.hpp) or plain numbers;
// the values are written in START's unit (`4KiB:1MiB:x4` -> 4KiB,16KiB,
// 64KiB,256KiB,1024KiB). Throws config::ConfigError located at
// `source:line:col` (source "--param", line = which --param; the line shown
// and the column count `prefix` + text) on a malformed item.
std::vector<std::string> expand_values(const std::string& text, const std::string& source = "--param", int line = 1,
                                       const std::string& prefix = "", const std::string& key = "");

// `KEY=VALUES` (line: which --param, 1-based). Throws config::ConfigError.
ParamSpec parse_param(const std::string& arg, int line);

// A literal's value as a number for a plot axis: plain numbers as they are,
// quantities in START's unit scale of `unit_of` (e.g. "1MiB" with unit_of
// "4KiB" -> 1024). Empty if either is not a number or quantity of one kind.
std::optional<double> axis_value(const std::string& literal, const std::string& unit_of);
// The unit suffix of a literal ("4KiB" -> "KiB", "8" -> "").
std::string unit_suffix(const std::string& literal);

// Two-sided 95% quantile of Student's t with `df` >= 1 degrees of freedom
// (t_{0.975, df}): tabulated to df = 30, a Cornish-Fisher expansion above.
double student_t95(int df);

}  // namespace iosim
