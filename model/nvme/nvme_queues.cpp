#include "model/nvme/nvme_queues.hpp"

#include <stdexcept>
#include <string>

namespace iosim {

NvmeQueueMemory::NvmeQueueMemory(sc_core::sc_module_name name, int queues, uint32_t entries)
    : sc_module(name), entries_(entries), sq_(size_t(queues), std::vector<NvmeSqe>(entries)),
      cq_(size_t(queues), std::vector<NvmeCqe>(entries)) {
  // NVMe 1.3, 4.1.3: a queue has at least 2 entries (one always stays empty).
  if (queues < 1 || entries < 2) throw std::invalid_argument(std::string(this->name()) + ": needs >= 1 queue of >= 2 entries");
}

void NvmeQueueMemory::check(int q, uint32_t slot) const {
  if (q < 0 || size_t(q) >= sq_.size() || slot >= entries_)
    throw std::logic_error(std::string(name()) + ": queue " + std::to_string(q) + " slot " + std::to_string(slot) +
                           " out of range");
}

void NvmeQueueMemory::write_sqe(int q, uint32_t slot, const NvmeSqe& e) { check(q, slot); sq_[size_t(q)][slot] = e; }
NvmeSqe NvmeQueueMemory::read_sqe(int q, uint32_t slot) const { check(q, slot); return sq_[size_t(q)][slot]; }
NvmeCqe NvmeQueueMemory::read_cqe(int q, uint32_t slot) const { check(q, slot); return cq_[size_t(q)][slot]; }

void NvmeQueueMemory::write_cqe(int q, uint32_t slot, const NvmeCqe& e) {
  check(q, slot);
  cq_[size_t(q)][slot] = e;
  cqe_ev_.notify(sc_core::SC_ZERO_TIME);
}

} // namespace iosim
