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
  void complete(uint64_t id) {
    if (id >= state_.size()) throw std::logic_error("completion for unknown request id " + std::to_string(id));
    if (state_[id] != kOutstanding)
      throw std::logic_error("request " + std::to_string(id) + " completed twice");
    state_[id] = kDone;
    --outstanding_;
  }
  void fail(uint64_t id) { complete(id); ++failed_; }
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

private:
  enum : uint8_t { kOutstanding = 1, kDone = 2 };
  std::vector<uint8_t> state_;
  uint64_t outstanding_ = 0, failed_ = 0;
};

} // namespace iosim
