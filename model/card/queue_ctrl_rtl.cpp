#include "model/card/queue_ctrl_rtl.hpp"

// Verilator's runtime headers are not -Wextra clean; our -Werror is for our code.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "Vqueue_ctrl.h"
#include "verilated.h"
#include "verilated_vcd_c.h"
#pragma GCC diagnostic pop

#include <stdexcept>

namespace iosim {

QueueCtrlRtl::QueueCtrlRtl(uint32_t depth)
    : depth_(depth), ctx_(std::make_unique<VerilatedContext>()) {
  ctx_->traceEverOn(true);  // must precede model construction to allow trace_open later
  top_ = std::make_unique<Vqueue_ctrl>(ctx_.get(), "qc");
  top_->clk = 0;
  top_->rst_n = 1;
  top_->cfg_depth = depth;
  top_->eval();
  reset();
  cycles_ = 0;  // count edges of operation, as the model does
  if (top_->depth != depth)
    throw std::invalid_argument("queue_ctrl.sv latched depth " + std::to_string(top_->depth) +
                                " instead of " + std::to_string(depth) +
                                " (MAX_DEPTH differs from kQcMaxDepth?)");
}

QueueCtrlRtl::~QueueCtrlRtl() {
  trace_close();
  top_->final();
}

void QueueCtrlRtl::edge() {
  // Verilator detects a posedge against the clock value seen by the previous
  // eval, so the low phase needs its own eval.
  top_->clk = 0;
  top_->eval();
  top_->clk = 1;
  top_->eval();
  ++cycles_;
}

void QueueCtrlRtl::reset() {
  top_->h_req_push = top_->c_req_pop = top_->c_cpl_push = top_->h_cpl_pop = 0;
  top_->cfg_depth = depth_;
  top_->rst_n = 0;
  edge();
  top_->rst_n = 1;
  read_outputs();
}

QcOutputs QueueCtrlRtl::cycle(const QcInputs& in) {
  top_->h_req_push = in.h_req_push;
  top_->c_req_pop = in.c_req_pop;
  top_->c_cpl_push = in.c_cpl_push;
  top_->h_cpl_pop = in.h_cpl_pop;
  edge();
  read_outputs();
  return out_;
}

void QueueCtrlRtl::read_outputs() {
  out_.p_hr = top_->p_hr;
  out_.p_sr = top_->p_sr;
  out_.p_sc = top_->p_sc;
  out_.p_hc = top_->p_hc;
  out_.req_full = top_->req_full;
  out_.req_empty = top_->req_empty;
  out_.cpl_full = top_->cpl_full;
  out_.cpl_empty = top_->cpl_empty;
  out_.req_count = top_->req_count;
  out_.cpl_count = top_->cpl_count;
  out_.h_req_ok = top_->h_req_ok;
  out_.c_req_pop_ok = top_->c_req_pop_ok;
  out_.c_cpl_ok = top_->c_cpl_ok;
  out_.h_cpl_pop_ok = top_->h_cpl_pop_ok;
}

void QueueCtrlRtl::trace_open(const std::string& vcd_path) {
  if (vcd_) return;
  vcd_ = std::make_unique<VerilatedVcdC>();
  top_->trace(vcd_.get(), 99);
  vcd_->open(vcd_path.c_str());  // timescale follows the RTL's `timescale 1ps/1ps
}

// Dumps the state after the edge at t_ps (SystemC time in ps = the trace unit).
void QueueCtrlRtl::trace_dump(uint64_t t_ps) {
  if (vcd_) vcd_->dump(t_ps);
}

void QueueCtrlRtl::trace_close() {
  if (vcd_) { vcd_->close(); vcd_.reset(); }
}

} // namespace iosim
