#include "model/hba/lsi53c1030.hpp"

#include <algorithm>
#include <cstring>

#include "model/fault/fault.hpp"
#include <stdexcept>

using namespace sc_core;

namespace iosim {

Lsi53c1030::Lsi53c1030(sc_module_name name, const Lsi53c1030Params& p)
    : sc_module(name), regs("regs"), dma("dma"), frames("frames"), scsi("scsi"), irq("irq"), p_(p) {
  regs.register_b_transport(this, &Lsi53c1030::b_transport);
  for (int i = 0; i < p_.reply_frames; ++i)  // the driver's reply frames, posted at init (not timed)
    free_replies_.push_back(p_.reply_frames_base + uint64_t(i) * p_.reply_frame_bytes);
  SC_THREAD(iop_thread);
  SC_THREAD(dma_thread);
  SC_THREAD(tm_thread);
  iop_busy_.trace(this->name(), "iop_busy", 1);  // waveform (--vcd) only
  outstanding_.trace(this->name(), "outstanding", 16);
  SC_METHOD(coalesce_method);
  sensitive << coalesce_ev_;
  dont_initialize();
}

// Register accesses from the host. Reads of the reply FIFO pop it; the read that
// finds it empty deasserts the interrupt (the ISR's last read).
void Lsi53c1030::b_transport(tlm::tlm_generic_payload& gp, sc_time&) {
  const uint64_t off = gp.get_address();
  uint32_t v = 0;
  if (gp.is_write()) {
    std::memcpy(&v, gp.get_data_ptr(), std::min<unsigned>(4, gp.get_data_length()));
    if (off == mpt::kReplyFifo) {  // a write to the reply FIFO gives a reply frame back (MPI)
      const uint64_t rel = uint64_t(v) - p_.reply_frames_base;
      const bool frame = v >= p_.reply_frames_base && rel % p_.reply_frame_bytes == 0 &&
                         rel / p_.reply_frame_bytes < uint64_t(p_.reply_frames) &&
                         std::find(free_replies_.begin(), free_replies_.end(), v) == free_replies_.end();
      if (!frame) { gp.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE); return; }  // not one of its frames out
      free_replies_.push_back(v);
      reply_freed_ev_.notify(SC_ZERO_TIME);
      gp.set_response_status(tlm::TLM_OK_RESPONSE);
      return;
    }
    if (off == mpt::kIntMask) {
      masked_ = (v & mpt::kReplyIntMask) != 0;
      if (!masked_ && !irq_asserted_ && !reply_fifo_.empty()) raise_irq();  // replies queued while masked
      gp.set_response_status(tlm::TLM_OK_RESPONSE);
      return;
    }
    if (off != mpt::kRequestFifo) { gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE); return; }
    request_fifo_.push_back(v);
    request_ev_.notify(SC_ZERO_TIME);
  } else {
    if (off == mpt::kIntStatus) {
      v = reply_fifo_.empty() ? 0 : 1;
    } else if (off == mpt::kReplyFifo) {
      if (reply_fifo_.empty()) {
        v = mpt::kEmpty;
        irq_asserted_ = false;
        if (masked_) unannounced_ = 0;  // the poll took them all
      }
      else { v = reply_fifo_.front(); reply_fifo_.pop_front(); }
    } else { gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE); return; }
    std::memset(gp.get_data_ptr(), 0, gp.get_data_length());
    std::memcpy(gp.get_data_ptr(), &v, std::min<unsigned>(4, gp.get_data_length()));
  }
  gp.set_response_status(tlm::TLM_OK_RESPONSE);
}

// The I/O processor: fetch each posted frame by DMA, decode it, start the SCSI
// command on the right target. Its own time is what limits the chip.
void Lsi53c1030::iop_thread() {
  for (;;) {
    while (request_fifo_.empty()) wait(request_ev_);
    const uint64_t frame = request_fifo_.front();
    request_fifo_.pop_front();
    iop_busy_.set(1);
    dma->read(frame, p_.frame_bytes);
    wait(sc_time(p_.iop_cycles_per_request / p_.iop_hz, SC_SEC));
    iop_busy_.set(0);
    const MptFrame& f = frames->read(frame);
    if (f.function == mpi::kFunctionTaskMgmt) {  // to the task management thread
      tm_queue_.push_back(f);
      tm_ev_.notify(SC_ZERO_TIME);
      continue;
    }
    IoRequest& cmd = commands_.acquire();  // the chip's own copy: the SCSI command
    cmd.id = f.id;
    cmd.op = f.op;
    cmd.target = f.target;
    cmd.lba = f.lba;
    cmd.blocks = f.blocks;
    cmd.host_buffer = f.buffer;
    cmd.ext<MptCommand>().context = f.context;
    cmd.on_done = [this](IoRequest& r) { scsi_done_.push_back(&r); done_ev_.notify(SC_ZERO_TIME); };
    ++requests_;
    outstanding_.add(1);
    active_[f.context] = &cmd;
    scsi->submit(cmd);
  }
}

// Data for a finished read goes to the host buffer, then the context reply.
void Lsi53c1030::dma_thread() {
  for (;;) {
    while (scsi_done_.empty()) wait(done_ev_);
    IoRequest* cmd = scsi_done_.front();
    scsi_done_.pop_front();
    active_.erase(cmd->ext<MptCommand>().context);
    if (cmd->status != 0) {
      error_reply(*cmd);
      continue;
    }
    reply_busy_.set(1);
    if (cmd->is_read() && !dma->try_write(cmd->host_buffer, cmd->bytes())) {
      // A PCI master abort (issue 11, pci_master_abort on hbaN): the DMA
      // engine stopped with Received Master Abort set in the chip's PCI
      // status register; the data never reached the host buffer. The IOC
      // ends the request with an address reply (IOCStatus IO_DATA_ERROR,
      // SCSIStatus GOOD: the target did its part). What the host makes of
      // it is the driver's: Linux 2.4 mptscsih maps the status to
      // DID_SOFT_ERROR, and 2.4 scsi_decide_disposition retries that
      // (maybe_retry) while sd's 5 attempts last, as the model's sync driver
      // does (model/host/sync_driver.cpp, retry()).
      reply_busy_.set(0);
      ++master_aborts_;
      error_reply(*cmd, true);
      continue;
    }
    wait(sc_time(p_.iop_cycles_per_reply / p_.iop_hz, SC_SEC));
    reply_busy_.set(0);
    const uint32_t context = cmd->ext<MptCommand>().context;
    commands_.release(*cmd);
    outstanding_.add(-1);
    post_reply(context);
  }
}

// A command that did not end GOOD: no data moves; the IOP fills a reply frame
// (IOCStatus, SCSIStatus, SCSIState) and the sense data in host memory by
// DMA, then posts the frame's address with the A bit set (MPI address reply).
uint64_t Lsi53c1030::take_reply_frame() {
  while (free_replies_.empty()) wait(reply_freed_ev_);
  const uint64_t addr = free_replies_.front();
  free_replies_.pop_front();
  return addr;
}

void Lsi53c1030::error_reply(IoRequest& cmd, bool dma_aborted) {
  const uint64_t addr = take_reply_frame();
  reply_busy_.set(1);
  wait(sc_time(p_.iop_cycles_per_error_reply / p_.iop_hz, SC_SEC));
  dma->write(addr, p_.reply_frame_bytes + p_.sense_bytes);
  reply_busy_.set(0);
  MptReply r;
  r.context = cmd.ext<MptCommand>().context;
  const int did = scsi::host_byte(cmd.status);
  if (dma_aborted) {  // the target ended GOOD; the chip's own DMA failed (dma_thread)
    r.ioc_status = mpi::kIocStatusScsiIoDataError;
  } else if (did) {  // ended by the chip itself (abort, reset): no SCSI status, no sense
    r.ioc_status = did == scsi::kDidAbort ? mpi::kIocStatusScsiTaskTerminated : mpi::kIocStatusScsiIocTerminated;
    r.sense = cmd.status;
  } else {
    r.ioc_status = mpi::kIocStatusScsiDataUnderrun;  // no data moved
    r.scsi_status = uint8_t(cmd.status & 0xff);
    r.scsi_state = mpi::kScsiStateAutosenseValid;
    r.sense = cmd.status;
  }
  frames->write_reply(addr, r);
  commands_.release(cmd);
  outstanding_.add(-1);
  ++error_replies_;
  post_reply(mpi::kAddressReplyBit | uint32_t(addr >> 1));
}

// Task management (issue 11): ABORT TASK and TARGET RESET go to the target
// over the bus; one the target does not answer is failed after tm_timeout
// (the IOC's own wait); a bus reset asserts RST; an IOC reset restarts the
// firmware, then resets the bus. The reply is an address reply (MPI SCSI task
// management reply) with IOCStatus SUCCESS or TASK_MGMT_FAILED. Commands the
// function ends come back through their on_done (error replies, above).
void Lsi53c1030::tm_thread() {
  for (;;) {
    while (tm_queue_.empty()) wait(tm_ev_);
    const MptFrame f = tm_queue_.front();
    tm_queue_.pop_front();
    ++tm_requests_;
    iop_busy_.set(1);
    wait(sc_time(p_.iop_cycles_per_tm / p_.iop_hz, SC_SEC));
    iop_busy_.set(0);
    bool ok = false;
    if (scsi_tm.size() > 0) {
      switch (f.task_type) {
        case mpi::kTaskAbortTask: {
          auto it = active_.find(f.task_context);
          ok = it == active_.end() || scsi_tm->abort_task(*it->second);  // gone already: nothing to abort
          break;
        }
        case mpi::kTaskTargetReset: ok = scsi_tm->reset_target(f.target); break;
        case mpi::kTaskResetBus: scsi_tm->reset_bus(); ok = true; break;
        case mpi::kTaskIocReset:
          wait(sc_time(p_.ioc_reset_s, SC_SEC));
          scsi_tm->reset_bus();
          ok = true;
          break;
        default: break;
      }
    }
    if (!ok && (f.task_type == mpi::kTaskAbortTask || f.task_type == mpi::kTaskTargetReset))
      wait(sc_time(p_.tm_timeout_s, SC_SEC));  // waited for an answer that did not come
    if (!ok) ++tm_failed_;
    const uint64_t addr = take_reply_frame();
    wait(sc_time(p_.iop_cycles_per_error_reply / p_.iop_hz, SC_SEC));
    dma->write(addr, p_.reply_frame_bytes);
    MptReply r;
    r.function = mpi::kFunctionTaskMgmt;
    r.context = f.context;
    r.ioc_status = ok ? mpi::kIocStatusSuccess : mpi::kIocStatusScsiTaskMgmtFailed;
    frames->write_reply(addr, r);
    post_reply(mpi::kAddressReplyBit | uint32_t(addr >> 1));
  }
}

void Lsi53c1030::post_reply(uint32_t word) {
  reply_fifo_.push_back(word);
  ++replies_;
  ++unannounced_;
  // The interrupt line stays asserted until the ISR reads the FIFO empty, so a
  // reply arriving during the ISR's drain needs no new interrupt.
  if (irq_asserted_) { unannounced_ = 0; return; }
  if (masked_) return;  // the host polls; unmasking raises it if replies are still queued
  if (unannounced_ >= p_.coalesce_count) {
    raise_irq();
  } else if (p_.coalesce_timeout_s > 0 && unannounced_ == 1) {
    // The timer starts at the batch's first reply (an earlier pending notify
    // would win, but raise_irq cancels the previous batch's).
    coalesce_ev_.notify(sc_time(p_.coalesce_timeout_s, SC_SEC));
  }
}

void Lsi53c1030::raise_irq() {
  unannounced_ = 0;
  coalesce_ev_.cancel();  // that batch is announced: its timer must not cut the next one short
  irq_asserted_ = true;
  ++interrupts_;
  irq->raise();
}

// Coalescing timer: a partial batch is announced after the timeout.
void Lsi53c1030::coalesce_method() {
  if (irq_asserted_ || masked_ || unannounced_ == 0) return;
  raise_irq();
}

void Lsi53c1030::reset_stats() {
  iop_busy_.reset();
  reply_busy_.reset();
  outstanding_.reset();
  requests_ = replies_ = interrupts_ = error_replies_ = 0;
  tm_requests_ = tm_failed_ = master_aborts_ = 0;
}

void Lsi53c1030::report(Stats& out, double window_s) const {
  const std::string n = name();
  StatGroup g = out.group(n, "lsi53c1030");
  g.add("request_rate", double(requests_) / window_s, "1/s", StatKind::Rate, "request frames processed");
  g.add("interrupt_rate", double(interrupts_) / window_s, "1/s", StatKind::Rate, "interrupts raised");
  g.add("iop_busy", 100 * iop_busy_.mean(), "%", StatKind::Fraction, "I/O processor busy fetching and starting commands");
  g.add("reply_busy", 100 * reply_busy_.mean(), "%", StatKind::Fraction, "moving read data to the host and posting replies");
  g.add("outstanding", outstanding_.mean(), "count", StatKind::Level, "mean commands inside the chip");
  if (p_.report_errors)
  {
    g.add("error_replies", double(error_replies_), "count", StatKind::Counter, "address replies: commands that did not end GOOD");
    g.add("tm_requests", double(tm_requests_), "count", StatKind::Counter, "task management requests (abort, target reset, bus reset, IOC reset)");
    g.add("tm_failed", double(tm_failed_), "count", StatKind::Counter, "of those, failed (no answer from the target within tm_timeout)");
    if (p_.report_master_aborts)
      g.add("master_aborts", double(master_aborts_), "count", StatKind::Counter, "read-data DMAs to host memory ended by a PCI master abort (error reply IO_DATA_ERROR)");
  }
}

} // namespace iosim
