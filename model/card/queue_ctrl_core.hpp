#pragma once
// The card's queue controller, cycle by cycle: the paper's two rings in hardware
// (per-record valid bits, the four pointers P_HR, P_HC, P_SR, P_SC, wrap at the
// tail record, full/empty, occupancy). Two implementations behind this one
// interface: the Verilated RTL (rtl/queue_ctrl.sv) and a C++ reference model.
// They must agree on every output of every cycle.
#include "model/common/enum_names.hpp"
#include <cstdint>
#include <memory>
#include <string>

namespace iosim {

// Records of storage per ring in rtl/queue_ctrl.sv (parameter MAX_DEPTH); the
// active length is chosen at reset, 1..kQcMaxDepth. The paper's rings are 5000
// records (BRIEF.md, test platform).
inline constexpr uint32_t kQcMaxDepth = 8192;

// Inputs sampled at a rising clock edge. Each strobe asks for one operation on
// the record its pointer designates; it takes effect only if allowed (push into
// a full ring or pop from an empty one is refused, and *_ok says so).
struct QcInputs {
  bool h_req_push = false;  // host: record at P_HR filled, status := valid, P_HR++
  bool c_req_pop = false;   // card: record at P_SR taken, status := invalid, P_SR++
  bool c_cpl_push = false;  // card: completion at P_SC filled, status := valid, P_SC++
  bool h_cpl_pop = false;   // host: completion at P_HC handled, status := invalid, P_HC++
};

// Outputs after the edge (registered).
struct QcOutputs {
  uint32_t p_hr = 0, p_sr = 0, p_sc = 0, p_hc = 0;
  bool req_full = false;   // record at P_HR still valid
  bool req_empty = true;   // record at P_SR invalid
  bool cpl_full = false;   // record at P_SC still valid
  bool cpl_empty = true;   // record at P_HC invalid
  uint32_t req_count = 0, cpl_count = 0;  // valid records in each ring
  bool h_req_ok = false, c_req_pop_ok = false, c_cpl_ok = false, h_cpl_pop_ok = false;  // last edge's strobes accepted
  bool operator==(const QcOutputs& o) const;
  bool operator!=(const QcOutputs& o) const { return !(*this == o); }
  std::string str() const;
};

class QueueCtrlCore {
public:
  virtual ~QueueCtrlCore() = default;
  virtual void reset() = 0;                           // synchronous reset, all pointers 0, all invalid
  virtual QcOutputs cycle(const QcInputs& in) = 0;    // one rising edge
  virtual const QcOutputs& outputs() const = 0;
  virtual uint32_t depth() const = 0;
  virtual uint64_t cycles() const = 0;                // edges since construction
  // Waveform of the core's own signals (RTL: Verilator VCD; model: may ignore).
  // t_ps: the SystemC time of the current edge in ps.
  virtual void trace_open(const std::string& /*vcd_path*/) {}
  virtual void trace_dump(uint64_t /*t_ps*/) {}
  virtual void trace_close() {}
};

// Which implementation: the Verilated RTL or its C++ reference model.
enum class QcCore { Rtl, Model };
template <> struct EnumNames<QcCore> {
  static constexpr std::array<std::pair<QcCore, const char*>, 2> table{{{QcCore::Rtl, "rtl"}, {QcCore::Model, "model"}}};
};

// Factory. Throws std::invalid_argument on a depth outside 1..kQcMaxDepth.
std::unique_ptr<QueueCtrlCore> make_queue_ctrl_core(QcCore kind, uint32_t depth);
// By name ("rtl" or "model"); an unknown name throws std::invalid_argument.
std::unique_ptr<QueueCtrlCore> make_queue_ctrl_core(const std::string& kind, uint32_t depth);

} // namespace iosim
