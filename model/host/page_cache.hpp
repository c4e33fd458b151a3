#pragma once
// The Linux 2.4 page cache as the buffered read path sees it (issue 8,
// deliverable 2): a set of 4 KiB pages of the RAID0 volume, keyed by page
// number, with least-recently-used replacement over `capacity_pages`. 2.4
// keeps active/inactive lists and reclaims through kswapd; one LRU list is
// the smallest model that lets sequential re-reads hit and random reads over
// a volume far larger than the cache miss (the cases the scenarios run).
// No dirty pages (writes go through at once). Read-ahead is the driver's
// (SyncDriver::read_ahead): it inserts the window's pages when it sends the
// read, as 2.4's page_cache_read adds them locked and not yet up to date.
#include <cstdint>
#include <list>
#include <unordered_map>

namespace iosim {

class PageCache {
public:
  static constexpr uint64_t kPageBytes = 4096;  // i386 PAGE_SIZE
  explicit PageCache(uint64_t capacity_pages) : cap_(capacity_pages) {}
  // find_get_page: true if resident (and then most recently used).
  bool lookup(uint64_t page) {
    auto it = map_.find(page);
    if (it == map_.end()) return false;
    lru_.splice(lru_.begin(), lru_, it->second);
    return true;
  }
  // add_to_page_cache + lru_cache_add of a page just read; evicts the least
  // recently used page when full. Returns true if a page was evicted.
  bool insert(uint64_t page) {
    if (cap_ == 0) return false;
    if (lookup(page)) return false;
    bool evicted = false;
    if (map_.size() >= cap_) {
      map_.erase(lru_.back());
      lru_.pop_back();
      evicted = true;
    }
    lru_.push_front(page);
    map_[page] = lru_.begin();
    return evicted;
  }
  // A page whose read failed: not up to date, so dropped (a later read
  // reads it again).
  void erase(uint64_t page) {
    auto it = map_.find(page);
    if (it == map_.end()) return;
    lru_.erase(it->second);
    map_.erase(it);
  }
  bool contains(uint64_t page) const { return map_.count(page) != 0; }
  uint64_t resident() const { return uint64_t(map_.size()); }
  uint64_t capacity() const { return cap_; }

private:
  uint64_t cap_;
  std::list<uint64_t> lru_;  // most recently used first
  std::unordered_map<uint64_t, std::list<uint64_t>::iterator> map_;
};

} // namespace iosim
