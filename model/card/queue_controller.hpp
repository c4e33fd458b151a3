#pragma once
// TEMPORARY stand-in until the rtl branch's QueueController lands (same API).
#include "model/card/queue_ctrl_core.hpp"
#include "model/stats/stats.hpp"
#include <systemc>
#include <vector>
namespace iosim {
class QueueController : public sc_core::sc_module, public Reporter {
public:
  QueueController(sc_core::sc_module_name n, const std::string&, uint32_t depth, double clock_hz)
      : sc_module(n), depth_(depth), period_(1.0 / clock_hz, sc_core::SC_SEC), rv_(depth), cv_(depth) {}
  bool host_push_request() { wait(period_); if (rv_[s_.p_hr]) return false; rv_[s_.p_hr] = 1; s_.p_hr = (s_.p_hr + 1) % depth_; upd(); return true; }
  bool card_pop_request() { wait(period_); if (!rv_[s_.p_sr]) return false; rv_[s_.p_sr] = 0; s_.p_sr = (s_.p_sr + 1) % depth_; upd(); return true; }
  bool card_push_completion() { wait(period_); if (cv_[s_.p_sc]) return false; cv_[s_.p_sc] = 1; s_.p_sc = (s_.p_sc + 1) % depth_; upd(); return true; }
  bool host_pop_completion() { wait(period_); if (!cv_[s_.p_hc]) return false; cv_[s_.p_hc] = 0; s_.p_hc = (s_.p_hc + 1) % depth_; upd(); return true; }
  const QcOutputs& state() const { return s_; }
  void reset_stats() override {}
  void report(Stats&, double) const override {}
private:
  void upd() { s_.req_full = rv_[s_.p_hr]; s_.req_empty = !rv_[s_.p_sr]; s_.cpl_full = cv_[s_.p_sc]; s_.cpl_empty = !cv_[s_.p_hc]; }
  uint32_t depth_; sc_core::sc_time period_; std::vector<char> rv_, cv_; QcOutputs s_;
};
}
