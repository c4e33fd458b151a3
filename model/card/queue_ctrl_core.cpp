#include "model/card/queue_ctrl_core.hpp"

#include "model/card/queue_ctrl_model.hpp"
#include "model/card/queue_ctrl_rtl.hpp"

#include <sstream>
#include <stdexcept>

namespace iosim {

bool QcOutputs::operator==(const QcOutputs& o) const {
  return p_hr == o.p_hr && p_sr == o.p_sr && p_sc == o.p_sc && p_hc == o.p_hc &&
         req_full == o.req_full && req_empty == o.req_empty && cpl_full == o.cpl_full &&
         cpl_empty == o.cpl_empty && req_count == o.req_count && cpl_count == o.cpl_count &&
         h_req_ok == o.h_req_ok && c_req_pop_ok == o.c_req_pop_ok && c_cpl_ok == o.c_cpl_ok &&
         h_cpl_pop_ok == o.h_cpl_pop_ok;
}

std::string QcOutputs::str() const {
  std::ostringstream s;
  s << "P_HR=" << p_hr << " P_SR=" << p_sr << " P_SC=" << p_sc << " P_HC=" << p_hc
    << " req[n=" << req_count << (req_full ? " full" : "") << (req_empty ? " empty" : "") << "]"
    << " cpl[n=" << cpl_count << (cpl_full ? " full" : "") << (cpl_empty ? " empty" : "") << "]"
    << " ok{h_req=" << h_req_ok << " c_req_pop=" << c_req_pop_ok << " c_cpl=" << c_cpl_ok
    << " h_cpl_pop=" << h_cpl_pop_ok << "}";
  return s.str();
}

std::unique_ptr<QueueCtrlCore> make_queue_ctrl_core(QcCore kind, uint32_t depth) {
  if (depth < 1 || depth > kQcMaxDepth)
    throw std::invalid_argument("queue controller: ring depth " + std::to_string(depth) +
                                " outside 1.." + std::to_string(kQcMaxDepth));
  if (kind == QcCore::Rtl) return std::make_unique<QueueCtrlRtl>(depth);
  return std::make_unique<QueueCtrlModel>(depth);
}

std::unique_ptr<QueueCtrlCore> make_queue_ctrl_core(const std::string& kind, uint32_t depth) {
  QcCore k;
  if (!enum_from_string(kind, k))
    throw std::invalid_argument("queue controller: unknown core '" + kind + "' (expected \"rtl\" or \"model\")");
  return make_queue_ctrl_core(k, depth);
}

} // namespace iosim
