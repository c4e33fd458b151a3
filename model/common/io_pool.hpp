#pragma once
// Pools for requests in flight, so that steady state allocates nothing per I/O
// (DRAMSys recycles its TLM payloads through a pool the same way).
//
// Pool<T> / IoPool: objects owned by one component (a workload's requests,
// an adapter's own copies of commands, the sync driver's read-ahead
// windows). acquire() hands out a reset object; release() takes it back.
// Storage is a deque: addresses stay valid.
//
// ContextTable: the small integer a driver puts in a hardware record to find
// its request again when the device answers (Fusion-MPT's MsgContext, the
// card ring's callback field). A context is handed out on issue and retired on
// completion; a context that is not live is an error, never a wild pointer.
#include "model/common/io_request.hpp"

#include <deque>
#include <stdexcept>
#include <string>
#include <vector>

namespace iosim {

template <class T>
class Pool {
public:
  T& acquire() {
    T* r;
    if (free_.empty()) {
      store_.emplace_back();
      r = &store_.back();
    } else {
      r = free_.back();
      free_.pop_back();
      *r = T{};
    }
    ++live_;
    return *r;
  }
  // The request may still be inside its own on_done (a piece joining its
  // parent): nothing of it is touched until it is handed out again.
  void release(T& r) {
    free_.push_back(&r);
    --live_;
  }
  size_t live() const { return live_; }
  size_t allocated() const { return store_.size(); }

private:
  std::deque<T> store_;
  std::vector<T*> free_;
  size_t live_ = 0;
};
using IoPool = Pool<IoRequest>;

class ContextTable {
public:
  explicit ContextTable(std::string owner) : owner_(std::move(owner)) {}
  uint32_t issue(IoRequest& r) {
    uint32_t c;
    if (free_.empty()) {
      c = uint32_t(slots_.size());
      slots_.push_back(nullptr);
    } else {
      c = free_.back();
      free_.pop_back();
    }
    slots_[c] = &r;
    return c;
  }
  IoRequest& at(uint64_t c) const {
    if (c >= slots_.size() || !slots_[c])
      throw std::logic_error(owner_ + ": completion names unknown context " + std::to_string(c));
    return *slots_[c];
  }
  IoRequest& retire(uint64_t c) {
    IoRequest& r = at(c);
    slots_[c] = nullptr;
    free_.push_back(uint32_t(c));
    return r;
  }
  size_t live() const { return slots_.size() - free_.size(); }

private:
  std::string owner_;
  std::vector<IoRequest*> slots_;
  std::vector<uint32_t> free_;
};

} // namespace iosim
