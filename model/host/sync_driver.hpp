#pragma once
// The synchronous baseline's kernel I/O path, Linux 2.4 style: md RAID0 maps the
// request onto member disks; each member has a block-layer queue with an
// elevator (requests kept sorted by sector, served in one-way sweeps);
// (or another policy of model/common/io_sched.hpp, chosen by the scenario);
// the SCSI mid-layer dispatches while the device has fewer than its queue depth
// outstanding and the adapter fewer than can_queue; mptscsih's queuecommand
// builds a Fusion-MPT frame and posts its address with one PIO write. Each
// adapter's interrupt (line = adapter index, registered with request_irq)
// drains the reply FIFO, runs the bottom half for every reply (end_request,
// next dispatch) and completes the request through `done` when its last piece
// is back.
//
// Completion mode (issue 8, `platform.sync.completion`): irq (above, the
// default) or hybrid, NAPI style: the ISR masks the adapter's reply interrupt
// (a posted write to HostInterruptMask) and wakes that adapter's poll thread,
// which takes at most `budget` replies per poll through the same reply loop
// and bottom half as the ISR, polls again (at once, or after `repoll`) while
// polls keep finding replies, and unmasks when one finds none.
//
// Errors (issue 11): MEDIUM ERROR retries, -EIO; a per-command timeout and
// the 2.4 error handler (abort, device, bus, host reset through the chip's
// task management requests, then retry or -EIO): sync_driver.cpp, README.
//
// Links: workload --HostIoIf--> SyncDriver --frames--> MptFrameMemory <-- HBA;
//        PIO to the HBAs' registers through the HostOs's pio port;
//        HBA irq --> HostOs::irq_line(a) --> SyncDriver::isr(a);
//        SyncDriver --done--> workload (IoDoneIf).
#include "model/common/io_pool.hpp"
#include "model/common/io_sched.hpp"
#include "model/host/block_poll_if.hpp"
#include "model/hba/lsi53c1030.hpp"
#include "model/host/host_io_if.hpp"
#include "model/common/cm_bounds.hpp"
#include "model/host/host_os.hpp"
#include "model/host/page_cache.hpp"
#include "model/raid/raid0.hpp"

#include <deque>
#include <memory>
#include <unordered_map>
#include <vector>

namespace iosim {

enum class SyncCompletion { Irq, Hybrid };
template <> struct EnumNames<SyncCompletion> {
  static constexpr std::array<std::pair<SyncCompletion, const char*>, 2> table{
      {{SyncCompletion::Irq, "irq"}, {SyncCompletion::Hybrid, "hybrid"}}};
};

// Data path of a read (issue 8, deliverable 2, `platform.sync.io`): direct
// (O_DIRECT / raw: the HBA DMAs into the user buffer; the default) or
// buffered (2.4 generic_file_read: through the page cache, then copy_to_user).
enum class SyncIo { Direct, Buffered };
template <> struct EnumNames<SyncIo> {
  static constexpr std::array<std::pair<SyncIo, const char*>, 2> table{
      {{SyncIo::Direct, "direct"}, {SyncIo::Buffered, "buffered"}}};
};

// Highmem bounce buffers (issue 8, deliverable 2). none: the driver gets the
// data pages as they are (no highmem, or a kernel whose block layer lets a
// highmem_io driver DMA above 896 MiB: the block-highmem patch, mainline from
// 2.4.20); highmem: stock 2.4.18 with CONFIG_HIGHMEM4G, whose __make_request
// calls create_bounce (mm/highmem.c) for every buffer in high memory.
enum class SyncBounce { None, Highmem };
template <> struct EnumNames<SyncBounce> {
  static constexpr std::array<std::pair<SyncBounce, const char*>, 2> table{
      {{SyncBounce::None, "none"}, {SyncBounce::Highmem, "highmem"}}};
};

struct SyncDriverParams {
  int queue_depth = 7;             // per device: 2.4 mptscsih cmd_per_lun (PARAMETERS.md)
  int can_queue = 63;              // per adapter: 2.4 mptscsih (PARAMETERS.md: 63 or 127)
  double md_map_cycles = 800;      // md raid0 make_request + remap (estimate)
  double elevator_cycles = 400;    // __make_request, elevator merge/insert base (estimate)
  double elevator_per_entry = 15;  // insertion scan per queued request (estimate)
  double queuecommand_cycles = 3000;  // scsi_dispatch_cmd + mptscsih_qcmd frame build (estimate)
  double isr_cycles = 800;         // mptscsih ISR body, excluding its PIO reads (estimate)
  double bottom_half_cycles = 5000;   // scsi_done -> softirq -> end_request -> unlock (estimate)
  uint64_t frames_base = 0x10000000;  // host physical address of the frame pool
  // Errors (issue 11): the SCSI mid-layer retries a command whose sense says
  // so (2.4 scsi_error.c scsi_check_sense: MEDIUM ERROR -> NEEDS_RETRY; NOT
  // READY without "becoming ready" -> SUCCESS, i.e. no retry) while
  // ++retries < allowed; sd.c sets allowed = MAX_RETRIES = 5 (Linux 2.4.x
  // drivers/scsi/sd.c): 5 attempts in all. What still fails ends the request
  // with -EIO (end_request(0)).
  int scsi_allowed = 5;
  double error_reply_cycles = 2500;  // mptscsih_io_done's address-reply path: read the frame and sense, free it (estimate)
  bool report_errors = false;        // add eio / scsi_retries to the stats (scenarios with faults)
  // Command timeouts and the error handler (issue 11). sd.c (Linux 2.4.x
  // drivers/scsi/sd.c) gives every disk command SD_TIMEOUT = 30 * HZ;
  // `platform.sync.scsi_timeout`.
  double scsi_timeout_s = 30;
  // After a successful reset the error handler sleeps before it retries
  // (2.4 scsi_error.c: BUS_RESET_SETTLE_TIME 5*HZ, HOST_RESET_SETTLE_TIME 10*HZ).
  double bus_reset_settle_s = 5;
  double host_reset_settle_s = 10;
  double eh_tm_cycles = 3000;  // an eh_*_handler building and posting a task management frame (estimate: like queuecommand)
  // The per-device queue's order: Linux 2.4's elevator (default), or a
  // continuous-media policy (issue 9). The elevator costs above are charged
  // whichever policy orders the queue (estimate: same insertion work).
  IoSchedParams sched;
  // For the round-based policies' report: the closed-form round time of one
  // member disk (model/common/cm_bounds.hpp), set by the platform builder.
  CmDiskBound round_bound;
  // Completion (issue 8): irq, one ISR per interrupt (default), or hybrid.
  SyncCompletion completion = SyncCompletion::Irq;
  // hybrid: replies one poll may take; Linux mptbase.h MPT_MAX_REPLIES_PER_ISR
  // (32), the Fusion-MPT driver's own bound on one pass over the reply FIFO.
  int budget = 32;
  double repoll_s = 0;  // hybrid: between polls that found work; 0 = at once (back through the run queue)
  // Buffered I/O (issue 8; `io: buffered`): reads through the page cache,
  // writes copied into it and then written through (SyncDriver::buffered_write).
  SyncIo io = SyncIo::Direct;
  // Page cache size: the x342 has 4 GB; a 2.4 i386 kernel maps 896 MiB
  // directly and the cache also takes highmem pages. 1 GiB: what is left to
  // the cache beside the kernel and the test processes (estimate).
  uint64_t page_cache_bytes = uint64_t(1) << 30;
  double page_lookup_cycles = 300;  // find_get_page per 4 KiB page: hash, pagecache_lock, page_cache_get (estimate)
  double page_alloc_cycles = 2000;  // per missed page: page_cache_alloc + add_to_page_cache + lru_cache_add (estimate)
  // Reclaim, per page evicted to make room (a full cache: a file larger than
  // memory): shrink_cache's unlink from the LRU, __remove_inode_page under
  // pagecache_lock, try_to_release_page and the buddy free; the pages it scans
  // and keeps are not counted (estimate: the reverse of page_alloc's list and
  // hash work). Charged to the reader: 2.4.18's __alloc_pages reclaims in the
  // allocating process (balance_classzone -> try_to_free_pages) once the zone
  // is under its watermark, as it stays while a stream fills memory; the share
  // kswapd takes in the background is not split off.
  double page_reclaim_cycles = 2000;
  // Read-ahead (2.4 generic_file_readahead): a reader whose read starts
  // where its last one ended has the pages after it read into the cache
  // behind its own, so the disk goes on while it copies; a later read that
  // needs them waits for that window. In pages, as 2.4's tunable. 0: none.
  uint32_t readahead_pages = 31;  // Linux 2.4 mm/filemap.c vm_max_readahead (124 KiB)
  // copy_to_user bandwidth: lmbench bcopy 222-271 MB/s on a dual PIII 1 GHz
  // with PC133 (PARAMETERS.md, LKML Apr 2001); the middle of that range.
  double copy_bandwidth = 250e6;    // bytes/s
  // Bounce buffers (`bounce: highmem`). create_bounce gives each highmem
  // buffer a lowmem page and buffer head (alloc_bounce_page/_bh), copies a
  // write's data down at submission and, for a read, bounce_end_io_read
  // copies it up (kmap_atomic + memcpy, at copy_bandwidth) in the completion
  // path, before the reader is woken; the page and head are freed there.
  // Every data page is taken as highmem: user buffers and page-cache pages
  // are GFP_HIGHUSER, which the 2.4 allocator serves from ZONE_HIGHMEM first,
  // and 3.1 of the x342's 4 GB are above the 896 MiB lowmem line.
  SyncBounce bounce = SyncBounce::None;
  double bounce_page_cycles = 1500;  // per page: alloc + free of the bounce page and head, kmap_atomic (estimate)
};

struct DiskRoute { int adapter; int target; };

class SyncDriver : public sc_core::sc_module, public HostIoIf, public BlockPollIf, public Reporter {
public:
  sc_core::sc_port<IoDoneIf> done;      // completions, to the workload
  sc_core::sc_port<MptFrameIf> frames;  // the request frame pool in host memory

  // Member k of the RAID0 volume is reached through routes[k]; adapter a's
  // registers are at adapter_reg_base[a], its interrupt is host line a.
  SyncDriver(sc_core::sc_module_name name, HostOs& os, const SyncDriverParams& p, const Raid0Geometry& raid,
             std::vector<DiskRoute> routes, std::vector<uint64_t> adapter_reg_base);

  // HostIoIf, from a process's burst: set up, map, queue, dispatch. Always
  // accepted (the process then blocks until `done`).
  bool submit(CpuCtx& c, IoRequest& req) override;
  void wait_for_slot(CpuCtx& c, Burst retry) override;  // never needed: throws
  // The adapter's interrupt handler.
  void isr(CpuCtx& c, int adapter);
  // BlockPollIf (issue 8, io_uring IOPOLL): an outside poller takes an
  // adapter's replies through the ISR's reply loop and bottom half (at most
  // `budget` per poll), its reply interrupt masked for good.
  int poll_queues() const override { return int(adapters_.size()); }
  void poll_claim(CpuCtx& c, int adapter) override;
  uint64_t poll(CpuCtx& c, int adapter) override;

  void reset_stats() override;
  void report(Stats& out, double window_s) const override;

private:
  struct Device {
    std::unique_ptr<IoSchedIf> queue;  // pieces waiting, in the policy's order
    int outstanding = 0;
    bool offline = false;  // every error handling step failed (2.4: device->online = FALSE)
    LevelTracker queued, active;
  };
  struct Adapter {
    int outstanding = 0; std::vector<int> devices; size_t rr = 0; uint64_t reg_base = 0;
    Task* poller = nullptr;               // hybrid: this adapter's poll thread
    bool polling = false, again = false;  // NAPI_STATE_SCHED; an interrupt taken between its unmask and its end
    // Error handling (issue 11): Scsi_Host's host_failed, in_recovery, its
    // scsi_eh thread and the commands it works on.
    int failed = 0;
    bool in_recovery = false, eh_running = false;
    Task* eh_task = nullptr;
    std::vector<IoRequest*> eh_cmds;
    std::vector<int> eh_targets;
    int eh_step = 0;
    size_t eh_idx = 0;
    bool tm_ok = false;
    IoRequest tm_req;  // names the adapter's task management frames in the context table
    LevelTracker eh_state;  // waveform: 0 idle, 1 draining, 2 abort, 3 device reset, 4 bus reset, 5 host reset, 6 settle
  };

  void dispatch(CpuCtx& c, int dev);
  void issue_frame(CpuCtx& c, Adapter& a, IoRequest& pc);
  // 2.4 scsi_decide_disposition for a command back with an error: retry it?
  bool retry(IoRequest& pc);
  void kick_adapter(CpuCtx& c, int a);
  // The reply FIFO pass and bottom half, shared by the ISR and the hybrid
  // poll: at most `budget` replies; costs charged to `cat`. Returns replies taken.
  uint64_t service(CpuCtx& c, int adapter, uint64_t budget, CpuCat cat);
  void hybrid_isr(CpuCtx& c, int adapter);
  void hybrid_poll(CpuCtx& c, int adapter);
  // Buffered read (issue 8): look the pages up, charge lookups, allocations
  // and the copy on the reading CPU; true if every page was resident (the
  // read then completes without the disk).
  void buffered_read(CpuCtx& c, IoRequest& req);
  void buffered_write(CpuCtx& c, const IoRequest& req);
  // Pages [first, last] the request missed (allocated now), if any.
  struct PageSpan { uint64_t first = 0, last = 0, missed = 0; };
  PageSpan cache_and_copy(CpuCtx& c, const IoRequest& req);
  // Sectors [lba, lba + blocks) of req down the block layer: set-up, md's
  // map, the elevator, dispatch. `waits`: what else req waits for (its
  // read-ahead windows), added to its pieces before any can complete.
  void submit_range(CpuCtx& c, IoRequest& req, uint64_t lba, uint32_t blocks, uint32_t waits);
  // The end of a request at the block layer: -EIO or good, to the workload.
  void end_request(CpuCtx& c, IoRequest& req);
  // Read-ahead (buffered): a window of pages read into the cache for a
  // reader going on in order; the reads that need its pages wait for it.
  struct ReadAhead {
    IoRequest req;  // the window's block read; its pieces hang off it
    uint64_t first = 0, last = 0;
    std::vector<IoRequest*> waiters;
  };
  void read_ahead(CpuCtx& c, uint64_t after_page);
  void complete_from_cache(CpuCtx& c, IoRequest& req, bool cached);
  void finish_read_ahead(CpuCtx& c, ReadAhead& ra);
  void bounce_submit(CpuCtx& c, IoOp op, uint64_t bytes);  // bounce: highmem, create_bounce
  void bounce_copy(CpuCtx& c, uint64_t bytes, CpuCat cat);
  void hit_thread(CpuCtx& c);
  uint64_t frame_addr(uint32_t context) const { return p_.frames_base + uint64_t(context) * 128; }
  // The end of a piece at the mid-layer: queues, dispatch, join, -EIO.
  void finish_piece(CpuCtx& c, IoRequest& pc);
  // Error handling (issue 11), Linux 2.4 scsi_error.c style.
  void timer_method();                      // scsi_times_out, per expired command
  void maybe_start_eh(int adapter);         // host_busy == host_failed: wake scsi_eh
  void eh_begin(CpuCtx& c, int adapter);    // scsi_unjam_host
  void eh_next(CpuCtx& c, int adapter);     // the next step: abort, device, bus, host reset
  void eh_tm_done(CpuCtx& c, int adapter);  // a task management reply is back
  void eh_finish(CpuCtx& c, int adapter);   // retry what recovered, fail the rest
  void post_tm(CpuCtx& c, int adapter, uint8_t type, int target, uint32_t task_context);
  struct Timer { sc_core::sc_time deadline; IoRequest* pc; uint64_t serial; };
  bool timer_stale(const Timer& t) const;

  HostOs& os_;
  SyncDriverParams p_;
  const Raid0Geometry& raid_;
  std::vector<DiskRoute> routes_;
  std::vector<Device> devs_;
  std::vector<Adapter> adapters_;
  IoPool pieces_;           // the md layer's per-member pieces (buffer heads)
  std::vector<Raid0Piece> map_;      // submit's scratch, under io_request_lock_
  std::vector<IoRequest*> split_;    // idem
  std::vector<std::vector<IoRequest*>> spare_lists_;  // the ISRs' reply lists, reused
  ContextTable contexts_;   // MsgContext -> piece at the adapter
  SpinLock io_request_lock_;  // 2.4's global block-layer lock, held by submit, dispatch and the bottom half
  uint64_t dispatched_ = 0, isr_runs_ = 0, replies_ = 0, eio_ = 0, retries_ = 0, error_replies_ = 0;
  uint64_t polls_ = 0, poll_replies_ = 0;  // hybrid
  // Error handling (issue 11).
  std::deque<Timer> timers_;  // in issue order = deadline order (one timeout for all)
  sc_core::sc_event timer_ev_;
  uint64_t serial_ = 0;
  uint64_t timeouts_ = 0, eh_runs_ = 0, aborts_ = 0, device_resets_ = 0, bus_resets_ = 0, host_resets_ = 0;
  uint64_t tm_failed_ = 0, eh_retries_ = 0, late_replies_ = 0, offlined_ = 0;
  // buffered
  PageCache cache_;
  Task* hit_task_ = nullptr;            // completes reads served from the cache
  bool hit_task_active_ = false;
  std::vector<IoRequest*> hits_;        // waiting for hit_task_
  uint64_t page_hits_ = 0, page_misses_ = 0, copied_bytes_ = 0, cached_reads_ = 0, evictions_ = 0;
  // read-ahead
  Pool<ReadAhead> ra_pool_;
  std::unordered_map<uint64_t, ReadAhead*> pending_;      // page -> the window bringing it in
  std::unordered_map<const IoRequest*, ReadAhead*> ra_of_;  // a window's request -> the window
  std::unordered_map<uint32_t, uint64_t> next_page_;      // per reader (origin): the page after its last read
  std::vector<ReadAhead*> waits_;                         // buffered_read's scratch
  uint64_t ra_serial_ = 0, ra_windows_ = 0, ra_pages_ = 0, ra_waited_ = 0;
  uint64_t bounced_pages_ = 0, bounce_copied_ = 0;  // bounce: highmem
};

} // namespace iosim
