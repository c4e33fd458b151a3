#pragma once
// Quantities with units, parsed into SI doubles (seconds, bytes, bytes/s, Hz)
// and formatted back for output. The conventions (binary kB for sizes,
// decimal MB/s for rates) are documented in scenarios/README.md.
#include <string>
#include <vector>

namespace iosim::config {

enum class Kind {
  Time,       // -> seconds          s ms us ns ps min h
  Size,       // -> bytes            B kB KB KiB MB MiB GB GiB TB TiB sector
  Rate,       // -> bytes/s          B/s kB/s KiB/s MB/s MiB/s GB/s GiB/s kbit/s Mbit/s Gbit/s
  IoRate,     // -> requests/s       /s 1/s IO/s IOPS Hz kHz
  Frequency,  // -> Hz               Hz kHz MHz GHz
  Rotation,   // -> revolutions/s    rpm rps
  Cycles,     // -> cycles           plain number, cycle, cycles
  Fraction,   // -> fraction of one  50% or a plain number (0.5)
};

// "a time", "a size", ... for messages.
const char* kind_name(Kind k);
// An example literal of this kind ("100ms") for hints.
const char* kind_example(Kind k);
// The unit spellings accepted for a kind, for messages and the README.
std::vector<std::string> kind_units(Kind k);

// A problem in a quantity literal: message, optional hint, and the character
// offset inside the literal where the problem starts (for the column).
struct UnitError {
  std::string message;
  std::string hint;
  size_t offset = 0;
};

struct Quantity {
  double value = 0;     // SI
  bool has_unit = false;
};

// Parses "4KiB", "100 ms", "1.26GHz", "15000rpm", "50%", "2.4us"...
// Requires a unit for Time, Size, Rate, IoRate, Frequency and Rotation except
// for an exact 0. Negative values parse (range checks belong to the caller).
// Throws UnitError on an unknown or wrong-kind unit, a missing unit, a
// malformed or non-finite number.
Quantity parse_quantity(Kind k, const std::string& text);

// Output helpers: 3 decimals in an automatically chosen unit, e.g.
// format_time(1.5e-3) == "1.500 ms". Each result parses back with
// parse_quantity of the same kind.
std::string format_time(double seconds);
std::string format_size(double bytes);          // binary units: "4 KiB", "1.500 MiB"
std::string format_rate(double bytes_per_s);    // decimal: "320.000 MB/s"
std::string format_io_rate(double per_s);       // "4286.000 IO/s"
std::string format_freq(double hz);             // "1.260 GHz"
std::string format_rotation(double rev_per_s);  // "15000.000 rpm"
std::string format_fraction(double f);          // "50.000%"
std::string format_quantity(Kind k, double v);

}  // namespace iosim::config
