#pragma once
// "Nothing lost": every request the workload issues is recorded here and must
// complete exactly once. check() at the end of every run turns any violation
// into an error exit.
//
// Memory stays flat however long the run: only the ids from the oldest
// request still outstanding onwards are kept (a request that ended before it
// needs no state: ending it again is an error whatever its first end was), so
// a 10^8-request soak holds about as many states as there are requests in
// flight, not 100 MB.
#include <cstdint>
#include <deque>
#include <stdexcept>
#include <string>

namespace iosim {

class RequestLedger {
public:
  uint64_t issue() { state_.push_back(kOutstanding); ++outstanding_; return base_ + state_.size() - 1; }
  // Each request ends exactly once: completed, or failed (an error reported
  // to its issuer is an outcome, not a loss). A second end of either kind throws.
  void complete(uint64_t id) { finish(id, kDone); }
  void fail(uint64_t id) { finish(id, kFailed); ++failed_; }
  uint64_t issued() const { return base_ + state_.size(); }
  uint64_t outstanding() const { return outstanding_; }
  uint64_t failed() const { return failed_; }
  // Throws naming the first lost request, if any is still outstanding.
  void check() const {
    if (outstanding_ == 0) return;
    for (size_t i = 0; i < state_.size(); ++i)
      if (state_[i] == kOutstanding)
        throw std::runtime_error(std::to_string(outstanding_) + " request(s) never completed (first: id " +
                                 std::to_string(base_ + i) + ")");
  }

  // issued = succeeded + failed + outstanding, by construction.
  uint64_t succeeded() const { return issued() - outstanding_ - failed_; }
  size_t states_held() const { return state_.size(); }  // memory in use (tests)

private:
  enum : uint8_t { kOutstanding = 1, kDone = 2, kFailed = 3 };
  void finish(uint64_t id, uint8_t how) {
    if (id >= issued()) throw std::logic_error("completion for unknown request id " + std::to_string(id));
    if (id < base_) throw std::logic_error("request " + std::to_string(id) + " completed twice (it had ended)");
    uint8_t& st = state_[id - base_];
    if (st != kOutstanding)
      throw std::logic_error("request " + std::to_string(id) + " completed twice (first " +
                             (st == kFailed ? "failed" : "completed") + ")");
    st = how;
    --outstanding_;
    while (!state_.empty() && state_.front() != kOutstanding) {  // forget what lies before the oldest outstanding
      state_.pop_front();
      ++base_;
    }
  }
  std::deque<uint8_t> state_;  // ids base_ .. issued()-1
  uint64_t base_ = 0, outstanding_ = 0, failed_ = 0;
};

} // namespace iosim
