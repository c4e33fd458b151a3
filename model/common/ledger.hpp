#pragma once
// "Nothing lost": every request the workload issues is recorded here and must
// complete exactly once. check() at the end of every run turns any violation
// into an error exit.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace iosim {

class RequestLedger {
public:
  uint64_t issue() { state_.push_back(kOutstanding); ++outstanding_; return state_.size() - 1; }
  // Each request ends exactly once: completed, or failed (an error reported
  // to its issuer is an outcome, not a loss). A second end of either kind throws.
  void complete(uint64_t id) { finish(id, kDone); }
  void fail(uint64_t id) { finish(id, kFailed); ++failed_; }
  uint64_t issued() const { return state_.size(); }
  uint64_t outstanding() const { return outstanding_; }
  uint64_t failed() const { return failed_; }
  // Throws naming the first lost request, if any is still outstanding.
  void check() const {
    if (outstanding_ == 0) return;
    for (size_t i = 0; i < state_.size(); ++i)
      if (state_[i] == kOutstanding)
        throw std::runtime_error(std::to_string(outstanding_) + " request(s) never completed (first: id " +
                                 std::to_string(i) + ")");
  }

  // issued = succeeded + failed + outstanding, by construction.
  uint64_t succeeded() const { return state_.size() - outstanding_ - failed_; }

private:
  enum : uint8_t { kOutstanding = 1, kDone = 2, kFailed = 3 };
  void finish(uint64_t id, uint8_t how) {
    if (id >= state_.size()) throw std::logic_error("completion for unknown request id " + std::to_string(id));
    if (state_[id] != kOutstanding)
      throw std::logic_error("request " + std::to_string(id) + " completed twice (first " +
                             (state_[id] == kFailed ? "failed" : "completed") + ")");
    state_[id] = how;
    --outstanding_;
  }
  std::vector<uint8_t> state_;
  uint64_t outstanding_ = 0, failed_ = 0;
};

} // namespace iosim
