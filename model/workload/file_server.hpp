#pragma once
// A file server (issue 8, deliverable 2): one process per TCP connection,
// each serving a file held in the page cache to a client that pulls it at
// the link rate. Per call of `chunk_bytes`:
//   read_write: read() — syscall, per-page find_get_page, copy_to_user at the
//     platform's copy rate — then write() on the socket (NetStack::send:
//     copy from user with checksum, segments, the driver);
//   sendfile: one sendfile() — syscall, per-page lookup, then the pages to
//     the socket (page references with SG + checksum offload, else a copy).
// A call is one request of the ledger: issued when the call starts, done
// when the client has acknowledged its last byte. The process blocks when
// the socket buffer is full and goes on when ACKs free it.
//
// With `source: disk` each call first reads its chunk from the RAID0 volume
// (sequentially, wrapping at its end) through `disk` (the SyncDriver) and
// blocks until the bottom half wakes it; the read's own costs (and, with
// platform.sync.io buffered, the page cache and copy_to_user) are the sync
// path's, so the call charges no copy of its own. sendfile from the disk
// reads like a direct read (the pages filled by DMA; page allocation not
// charged).
//
// Links: `sock` (the host's TCP sender, NetStack) and, with source disk,
// `disk` (the host's block path); completions of both arrive as IoDoneIf
// (bind their `done` to it).
#include "model/net/net_stack.hpp"
#include "model/workload/io_tally.hpp"

#include <memory>
#include <vector>

namespace iosim {

struct FileReadCosts {
  double page_lookup_cycles = 300;  // find_get_page per 4 KiB page (SyncDriverParams)
  double copy_bandwidth = 250e6;    // copy_to_user, B/s (SyncDriverParams)
};

class FileServer : public sc_core::sc_module, public IoDoneIf, public IoTally {
public:
  sc_core::sc_port<SocketIf> sock;
  sc_core::sc_port<HostIoIf, 1, sc_core::SC_ZERO_OR_MORE_BOUND> disk;  // source disk only

  FileServer(sc_core::sc_module_name name, HostOs& os, const FileServerParams& p, const NetCosts& net,
             const FileReadCosts& rc, RequestLedger& ledger, uint64_t volume_blocks = 0);
  void start();
  void stop() { stopping_ = true; }
  void io_done(CpuCtx& c, IoRequest& req) override;

private:
  struct Proc { Task* task = nullptr; IoRequest* req = nullptr; uint64_t left = 0; IoRequest dreq; };
  void run(CpuCtx& c, size_t i);
  void begin_call(CpuCtx& c, size_t i);
  IoRequest* take_request(size_t i);

  HostOs& os_;
  FileServerParams p_;
  NetCosts net_;
  FileReadCosts rc_;
  std::vector<Proc> procs_;
  std::vector<std::unique_ptr<IoRequest>> all_;
  std::vector<IoRequest*> free_;
  uint64_t volume_blocks_ = 0, next_lba_ = 0;  // source disk: the file is the volume, read in order
  bool stopping_ = false;
};

} // namespace iosim
