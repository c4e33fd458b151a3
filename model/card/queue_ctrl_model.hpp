#pragma once
// C++ reference model of rtl/queue_ctrl.sv, written from the same spec
// (BRIEF.md "Rings", "Four pointers"), not translated from the netlist: the
// equivalence test compares the two every cycle.
#include "model/card/queue_ctrl_core.hpp"

#include <vector>

namespace iosim {

class QueueCtrlModel final : public QueueCtrlCore {
public:
  explicit QueueCtrlModel(uint32_t depth);
  void reset() override;
  QcOutputs cycle(const QcInputs& in) override;
  const QcOutputs& outputs() const override { return out_; }
  uint32_t depth() const override { return depth_; }
  uint64_t cycles() const override { return cycles_; }

private:
  uint32_t next_rec(uint32_t p) const { return p + 1 == depth_ ? 0 : p + 1; }  // wrap at tail
  void update_flags();

  uint32_t depth_;
  std::vector<uint8_t> req_valid_, cpl_valid_;  // status bit per record
  QcOutputs out_;
  uint64_t cycles_ = 0;
};

} // namespace iosim
