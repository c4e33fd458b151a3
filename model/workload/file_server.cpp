#include "model/workload/file_server.hpp"

#include <stdexcept>

namespace iosim {

FileServer::FileServer(sc_core::sc_module_name name, HostOs& os, const FileServerParams& p, const NetCosts& net,
                       const FileReadCosts& rc, RequestLedger& ledger)
    : sc_module(name), IoTally(std::string(sc_module::name()), ledger), sock("sock"), os_(os), p_(p), net_(net),
      rc_(rc), procs_(size_t(std::max(1, p.connections))) {
  if (p_.chunk_bytes == 0 || p_.chunk_bytes % kSectorBytes)
    throw std::invalid_argument("file_server: chunk must be a positive multiple of 512 B");
  const std::string n = sc_module::name();
  for (size_t i = 0; i < procs_.size(); ++i) procs_[i].task = os.create_task(n + ".proc" + std::to_string(i));
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
    }
    const uint64_t took = sock->send(c, int(i), p.left, p_.mode == ServeMode::Sendfile, p.req);
    p.left -= took;
    if (p.left > 0) {
      sock->wait_space(c, int(i), [this, i](CpuCtx& c2) { run(c2, i); });
      return;
    }
  }
}

void FileServer::io_done(CpuCtx&, IoRequest& req) {
  done(req);
  free_.push_back(&req);
}

} // namespace iosim
