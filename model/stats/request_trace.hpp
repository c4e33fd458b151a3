#pragma once
// The optional per-request trace (`iosim run --trace-requests FILE.csv`): one
// CSV row per request, written when it completes (or fails): its id, what it
// asked for, who issued it, the stack it went through, the disks it touched,
// issue and completion times, latency, outcome, and the run phase it ended in
// (warmup, measured window, drain). For plotting latency over time, finding
// the requests behind a tail, or checking a scheduler's order offline.
//
// Like the waveform writer, it is process-wide and null when off: the
// workloads' tally tests one pointer per completion.
#include "model/common/io_request.hpp"

#include <cstdio>
#include <functional>
#include <string>

namespace iosim {

class RequestTrace {
public:
  enum class Phase { Warmup, Measured, Drain };
  explicit RequestTrace(const std::string& path);  // throws std::runtime_error if unwritable
  ~RequestTrace();
  RequestTrace(const RequestTrace&) = delete;
  RequestTrace& operator=(const RequestTrace&) = delete;

  // Set by the platform builder: the stack's name, and how to name the disks
  // a request touched (appended to `out`, ';'-separated).
  void set_stack(std::string stack) { stack_ = std::move(stack); }
  void set_router(std::function<void(const IoRequest&, std::string& out)> f) { router_ = std::move(f); }
  void set_phase(Phase p) { phase_ = p; }
  void record(const IoRequest& r);  // at completion: r.t_done is set
  void close();
  uint64_t rows() const { return rows_; }

private:
  std::FILE* f_ = nullptr;
  std::string stack_, line_, disks_;
  std::function<void(const IoRequest&, std::string&)> router_;
  Phase phase_ = Phase::Warmup;
  uint64_t rows_ = 0;
};

namespace detail { inline RequestTrace* g_request_trace = nullptr; }
inline RequestTrace* request_trace() { return detail::g_request_trace; }
inline void set_request_trace(RequestTrace* t) { detail::g_request_trace = t; }

}  // namespace iosim
