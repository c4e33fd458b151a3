#include "model/stats/request_trace.hpp"

#include <fmt/format.h>

#include <stdexcept>

namespace iosim {

RequestTrace::RequestTrace(const std::string& path) : f_(std::fopen(path.c_str(), "w")) {
  if (!f_) throw std::runtime_error("cannot write request trace '" + path + "'");
  std::fputs("id,op,lba,bytes,issuer,stack,disks,issue_s,done_s,latency_ms,outcome,phase\n", f_);
}

RequestTrace::~RequestTrace() {
  if (request_trace() == this) set_request_trace(nullptr);
  close();
}

void RequestTrace::record(const IoRequest& r) {
  if (!f_) return;
  disks_.clear();
  if (router_) router_(r, disks_);
  static const char* const kPhase[] = {"warmup", "measured", "drain"};
  line_.clear();
  // Times to the picosecond (SystemC's resolution): seconds with 12 decimals.
  fmt::format_to(std::back_inserter(line_), "{},{},{},{},{},{},{},{:.12f},{:.12f},{:.9f},{},{}\n", r.id,
                 r.op == IoOp::Read ? "read" : "write", r.lba, r.bytes(), r.origin, stack_, disks_,
                 r.t_issue.to_seconds(), r.t_done.to_seconds(), (r.t_done - r.t_issue).to_seconds() * 1e3,
                 r.status == 0 ? "ok" : "eio", kPhase[int(phase_)]);
  std::fputs(line_.c_str(), f_);
  ++rows_;
}

void RequestTrace::close() {
  if (f_) std::fclose(f_);
  f_ = nullptr;
}

}  // namespace iosim
