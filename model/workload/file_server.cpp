#include "model/workload/file_server.hpp"

#include <stdexcept>

namespace iosim {

FileServer::FileServer(sc_core::sc_module_name name, HostOs& os, const FileServerParams& p, const NetCosts& net,
                       const FileReadCosts& rc, RequestLedger& ledger, uint64_t volume_blocks)
    : sc_module(name), IoTally(std::string(sc_module::name()), ledger), sock("sock"), disk("disk"), os_(os), p_(p),
      net_(net), rc_(rc), procs_(size_t(std::max(1, p.connections))), volume_blocks_(volume_blocks) {
  if (p_.source == FileSource::Disk && volume_blocks_ < p_.chunk_bytes / kSectorBytes)
    throw std::invalid_argument("file_server: source disk needs a volume of at least one chunk");
  if (p_.chunk_bytes == 0 || p_.chunk_bytes % kSectorBytes)
    throw std::invalid_argument("file_server: chunk must be a positive multiple of 512 B");
  const std::string n = sc_module::name();
  for (size_t i = 0; i < procs_.size(); ++i) {
    procs_[i].task = os.create_task(n + ".proc" + std::to_string(i));
    procs_[i].dreq.origin = uint32_t(i);
    procs_[i].dreq.host_buffer = 0x40000000 + uint64_t(i) * p_.chunk_bytes;  // the process's buffer
  }
}

void FileServer::start() {
  for (size_t i = 0; i < procs_.size(); ++i) os_.wake(procs_[i].task, [this, i](CpuCtx& c) { run(c, i); });
}

IoRequest* FileServer::take_request(size_t i) {
  if (free_.empty()) {
    all_.emplace_back(new IoRequest());
    free_.push_back(all_.back().get());
  }
  IoRequest* r = free_.back();
  free_.pop_back();
  r->origin = uint32_t(i);
  r->op = IoOp::Read;
  r->lba = 0;
  r->blocks = uint32_t(p_.chunk_bytes / kSectorBytes);
  r->status = 0;
  return r;
}

// One call starts: the user loop, then read() (read_write) or sendfile()'s
// file side; the socket side follows in run().
void FileServer::begin_call(CpuCtx& c, size_t i) {
  const HostCosts& k = os_.params().cost;
  Proc& p = procs_[i];
  p.req = take_request(i);
  IoTally::issue(*p.req);
  p.left = p_.chunk_bytes;
  const double pages = double((p_.chunk_bytes + 4095) / 4096);
  c.compute(k.user_per_io, CpuCat::User);
  if (p_.source == FileSource::Disk) {  // read() / sendfile()'s file side down the block path
    c.compute(k.syscall, CpuCat::System);
    const uint32_t blocks = uint32_t(p_.chunk_bytes / kSectorBytes);
    if (next_lba_ + blocks > volume_blocks_) next_lba_ = 0;
    p.dreq.op = IoOp::Read;
    p.dreq.lba = next_lba_;
    p.dreq.blocks = blocks;
    p.dreq.status = 0;
    next_lba_ += blocks;
    return;
  }
  c.compute(k.syscall + net_.file_read + pages * rc_.page_lookup_cycles, CpuCat::System);  // page-cache hits
  if (p_.mode == ServeMode::ReadWrite) {
    c.compute(double(p_.chunk_bytes) / rc_.copy_bandwidth * os_.params().clock_hz, CpuCat::System);  // copy_to_user
    c.compute(k.syscall, CpuCat::System);  // write()
  }
}

void FileServer::run(CpuCtx& c, size_t i) {
  Proc& p = procs_[i];
  for (;;) {
    if (p.left == 0) {
      if (stopping_) { os_.exit(c); return; }
      begin_call(c, i);
      if (p_.source == FileSource::Disk) {  // wait for the read (io_done wakes the process)
        disk->submit(c, p.dreq);
        os_.block(c, true);
        return;
      }
    }
    const uint64_t took = sock->send(c, int(i), p.left, p_.mode == ServeMode::Sendfile, p.req);
    p.left -= took;
    if (p.left > 0) {
      sock->wait_space(c, int(i), [this, i](CpuCtx& c2) { run(c2, i); });
      return;
    }
  }
}

void FileServer::io_done(CpuCtx& c, IoRequest& req) {
  const size_t i = req.origin;
  if (i < procs_.size() && &req == &procs_[i].dreq) {  // the disk read of a call: back to its process
    c.compute(os_.params().cost.wakeup, CpuCat::Irq, true);
    c.sync();
    os_.wake(procs_[i].task, [this, i](CpuCtx& c2) {
      if (p_.mode == ServeMode::ReadWrite) c2.compute(os_.params().cost.syscall, CpuCat::System);  // write()
      run(c2, i);
    });
    return;
  }
  done(req);
  free_.push_back(&req);
}

} // namespace iosim
