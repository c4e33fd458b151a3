#include "model/card/queue_ctrl_model.hpp"

namespace iosim {

QueueCtrlModel::QueueCtrlModel(uint32_t depth)
    : depth_(depth), req_valid_(depth, 0), cpl_valid_(depth, 0) {
  reset();
  cycles_ = 0;  // construction is not an edge (the RTL wrapper resets the same way)
}

void QueueCtrlModel::reset() {
  std::fill(req_valid_.begin(), req_valid_.end(), 0);
  std::fill(cpl_valid_.begin(), cpl_valid_.end(), 0);
  out_ = QcOutputs{};
  update_flags();
  ++cycles_;  // a synchronous reset takes one edge
}

// Full/empty read the status bit under the pointer, exactly as the brief.
void QueueCtrlModel::update_flags() {
  out_.req_full = req_valid_[out_.p_hr] != 0;
  out_.req_empty = req_valid_[out_.p_sr] == 0;
  out_.cpl_full = cpl_valid_[out_.p_sc] != 0;
  out_.cpl_empty = cpl_valid_[out_.p_hc] == 0;
}

QcOutputs QueueCtrlModel::cycle(const QcInputs& in) {
  // Every decision uses the state before the edge.
  const bool h_push = in.h_req_push && !out_.req_full;
  const bool c_pop = in.c_req_pop && !out_.req_empty;
  const bool c_push = in.c_cpl_push && !out_.cpl_full;
  const bool h_pop = in.h_cpl_pop && !out_.cpl_empty;
  if (h_push) { req_valid_[out_.p_hr] = 1; out_.p_hr = next_rec(out_.p_hr); }
  if (c_pop) { req_valid_[out_.p_sr] = 0; out_.p_sr = next_rec(out_.p_sr); }
  if (c_push) { cpl_valid_[out_.p_sc] = 1; out_.p_sc = next_rec(out_.p_sc); }
  if (h_pop) { cpl_valid_[out_.p_hc] = 0; out_.p_hc = next_rec(out_.p_hc); }
  out_.req_count += uint32_t(h_push) - uint32_t(c_pop);
  out_.cpl_count += uint32_t(c_push) - uint32_t(h_pop);
  out_.h_req_ok = h_push;
  out_.c_req_pop_ok = c_pop;
  out_.c_cpl_ok = c_push;
  out_.h_cpl_pop_ok = h_pop;
  update_flags();
  ++cycles_;
  return out_;
}

} // namespace iosim
