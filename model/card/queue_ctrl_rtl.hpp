#pragma once
// The Verilated rtl/queue_ctrl.sv (--cc, library iosim_rtl) behind the
// QueueCtrlCore interface. The clock is toggled by hand, one call per edge;
// nothing runs between calls.
#include "model/card/queue_ctrl_core.hpp"

#include <memory>

class Vqueue_ctrl;
class VerilatedContext;
class VerilatedVcdC;

namespace iosim {

class QueueCtrlRtl final : public QueueCtrlCore {
public:
  explicit QueueCtrlRtl(uint32_t depth);  // throws if the RTL does not latch `depth`
  ~QueueCtrlRtl() override;
  void reset() override;
  QcOutputs cycle(const QcInputs& in) override;
  const QcOutputs& outputs() const override { return out_; }
  uint32_t depth() const override { return depth_; }
  uint64_t cycles() const override { return cycles_; }
  void trace_open(const std::string& vcd_path) override;
  void trace_dump(uint64_t t_ps) override;
  void trace_close() override;

private:
  void edge();       // one rising edge with the inputs already on the ports
  void read_outputs();

  uint32_t depth_;
  std::unique_ptr<VerilatedContext> ctx_;
  std::unique_ptr<Vqueue_ctrl> top_;
  std::unique_ptr<VerilatedVcdC> vcd_;
  QcOutputs out_;
  uint64_t cycles_ = 0;
};

} // namespace iosim
