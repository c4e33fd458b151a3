#pragma once
// One waveform for the whole simulation: RTL ports and system-level signals on
// one timeline, timescale 1 ps (= SystemC resolution). Written by hand:
// VerilatedVcdC only sees the Verilated model, and SystemC's sc_trace needs
// signals; this takes plain values from any module.
//
// Two formats, chosen by the file name: VCD text (IEEE 1364 value change dump),
// or FST (a path ending in ".fst"), GTKWave's compressed format, written with
// the fstapi that Verilator ships. FST files are ~10x smaller and carry enum
// tables: a signal registered with value names (a CPU's state, a SCSI bus
// phase) shows by name in GTKWave with no filter file.
//
// Modules ask vcd_writer() at elaboration; when it is null (tracing off) they
// skip all work. A window [t_begin, t_end] and glob filters on "scope.name"
// keep long runs small: outside the window nothing is written, and at t_begin
// the values current then are dumped ($dumpvars).
#include <systemc>

#include <cstdint>
#include <fstream>
#include <functional>
#include <limits>
#include <queue>
#include <string>
#include <vector>

namespace iosim {

enum class WaveFormat { Vcd, Fst };

struct VcdOptions {
  uint64_t t_begin_ps = 0;
  uint64_t t_end_ps = std::numeric_limits<uint64_t>::max();
  std::vector<std::string> filters;  // fnmatch globs on "scope.name"; empty = every signal
};

// The format a waveform path asks for: FST if it ends in ".fst", else VCD.
WaveFormat wave_format_of(const std::string& path);

class VcdWriter {
public:
  explicit VcdWriter(const std::string& path, VcdOptions opt = {});  // throws if unwritable
  ~VcdWriter();
  VcdWriter(const VcdWriter&) = delete;
  VcdWriter& operator=(const VcdWriter&) = delete;

  // Registers a signal (width 1..64) under a dotted scope ("top.card.qc").
  // Returns its id, or -1 if the filters exclude it (set(-1, ...) is a no-op).
  // Adding the same scope.name twice returns the same id. Only until the
  // header is written (first change after t_begin): throws std::logic_error after.
  // `names` (optional): value i means names[i]; FST records them as an enum
  // table (GTKWave shows the names), VCD ignores them (filter files do it).
  int add(const std::string& scope, const std::string& name, unsigned width,
          const std::vector<std::string>& names = {});
  void set(int id, uint64_t v);                    // at sc_time_stamp(); written only on change
  void set_at(int id, uint64_t v, uint64_t t_ps);  // explicit time; times must not decrease
  // Value v from t_ps on, a time not yet reached (>= every time written so
  // far). For code that knows now what it will be doing later: a CPU model
  // accrues compute time lazily, so when a burst mixes user and kernel code
  // the switch lies ahead of simulated time. Kept until a set/set_at/close
  // reaches t_ps, then written in time order.
  void schedule(int id, uint64_t v, uint64_t t_ps);
  void close();                                    // at sc_time_stamp()
  void close_at(uint64_t t_ps);                    // marks the end time and closes the file
  bool is_open() const { return open_; }
  size_t size() const { return sigs_.size(); }
  WaveFormat format() const { return format_; }

private:
  struct Sig {
    std::string scope, name, code;
    unsigned width;
    std::vector<std::string> names;  // enum value names (may be empty)
    uint32_t fst = 0;                // FST handle
    uint64_t val = 0;
    bool known = false;  // never set: dumped as x
    // The value before the time stamp being collected (pending_t_), while it has changes there.
    bool pending = false, before_known = false;
    uint64_t before = 0;
  };
  void write_header();
  void dump_all();  // header + $dumpvars at t_begin
  void write_value(const Sig& s);
  void write_time(uint64_t t);
  void apply(int id, uint64_t v, uint64_t t);  // set_at without the scheduled values
  void flush(uint64_t t);                      // scheduled values due at or before t
  void emit_pending();                         // the collected time stamp: its last value per signal
  void fst_header();
  void fst_value(const Sig& s);

  WaveFormat format_;
  std::ofstream os_;   // VCD
  void* fst_ = nullptr;  // FST writer context (fstapi.h stays out of this header)
  VcdOptions opt_;
  std::vector<Sig> sigs_;
  bool open_ = true, dumped_ = false, any_time_ = false;
  uint64_t last_t_ = 0;
  // Changes at one time stamp are collected and written when time moves on:
  // one value per signal per time stamp (the last), none if it ends where it began.
  uint64_t pending_t_ = 0;
  std::vector<size_t> pending_;
  struct Later {
    uint64_t t, seq;  // seq: same-time values apply in the order scheduled
    int id;
    uint64_t v;
    bool operator>(const Later& o) const { return t != o.t ? t > o.t : seq > o.seq; }
  };
  std::priority_queue<Later, std::vector<Later>, std::greater<Later>> later_;
  uint64_t later_seq_ = 0;
};

// Simulated time in the VCD's unit (1 ps).
uint64_t vcd_ps(const sc_core::sc_time& t);

// Process-wide writer (not owned); null when tracing is off. Inline: modules
// test it on hot paths, and with tracing off that test must be all it costs.
namespace detail { inline VcdWriter* g_vcd_writer = nullptr; }
inline VcdWriter* vcd_writer() { return detail::g_vcd_writer; }
inline void set_vcd_writer(VcdWriter* w) { detail::g_vcd_writer = w; }

} // namespace iosim
