#include "model/scsi/scsi_initiator.hpp"

#include <algorithm>

#include "model/fault/fault.hpp"
#include <stdexcept>
#include <string>

namespace iosim {

ScsiInitiator::ScsiInitiator(sc_core::sc_module_name name, const ScsiInitiatorParams& p)
    : sc_module(name), bus("bus"), p_(p) {
  if (p_.per_target_limit < 1 || p_.port_limit < 1)
    throw std::invalid_argument(std::string(this->name()) + ": queue limits must be >= 1");
  if (p_.scsi_id < 0 || p_.scsi_id >= ScsiBus::kMaxIds)
    throw std::out_of_range(std::string(this->name()) + ": SCSI id out of range");
  SC_HAS_PROCESS(ScsiInitiator);
  SC_THREAD(issue_loop);
}

BlockDevice& ScsiInitiator::target(int id) {
  if (id < 0 || id >= ScsiBus::kMaxIds)
    throw std::out_of_range(std::string(name()) + ": SCSI id " + std::to_string(id) + " out of range");
  if (!views_[id]) views_[id] = std::make_unique<View>(*this, id);
  return *views_[id];
}

// The builder hands out views before the bus port is bound: each one handed
// out must name a target the bus has.
void ScsiInitiator::end_of_elaboration() {
  for (int id = 0; id < ScsiBus::kMaxIds; ++id)
    if (views_[id] && !bus->target(id))
      throw std::out_of_range(std::string(name()) + ": no target at SCSI id " + std::to_string(id));
}

uint64_t ScsiInitiator::View::capacity_blocks() const {
  return owner_.bus->target(id_)->capacity_blocks();
}

uint64_t ScsiInitiator::PortView::capacity_blocks() const {
  throw std::logic_error(std::string(owner_.name()) + ": a SCSI port has no capacity of its own; ask one target");
}

int ScsiInitiator::limit(int id) const {
  return std::max(1, std::min(p_.per_target_limit, bus->target(id)->max_queue_depth()));
}

void ScsiInitiator::enqueue(int id, IoRequest& req) {
  if (id < 0 || id >= ScsiBus::kMaxIds || !bus->target(id))
    throw std::out_of_range(std::string(name()) + ": command for missing SCSI id " + std::to_string(id));
  req.target = id;
  addressed_[id] = true;
  queue_[id].push_back(Entry{seq_++, &req});
  queued_lvl_[id].add(1);
  work_ev_.notify(sc_core::SC_ZERO_TIME);
}

int ScsiInitiator::next_target() {
  if (port_outstanding_ >= p_.port_limit) return -1;
  int best = -1;
  for (int id = 0; id < ScsiBus::kMaxIds; ++id) {
    if (queue_[id].empty() || outstanding_[id] >= limit(id)) continue;
    if (best < 0 || queue_[id].front().seq < queue_[best].front().seq) best = id;
  }
  return best;
}

void ScsiInitiator::issue_loop() {
  for (;;) {
    const int id = next_target();
    if (id < 0) {
      wait(work_ev_);
      continue;
    }
    IoRequest* req = queue_[id].front().req;
    queue_[id].pop_front();
    queued_lvl_[id].add(-1);
    // Counted outstanding before the bus call: the target may complete it
    // (from another thread) before send_command returns.
    ++outstanding_[id];
    ++port_outstanding_;
    outstanding_lvl_[id].add(1);
    ++issued_;
    active_[id].push_back(req);
    sending_ = req;
    bus->send_command(p_.scsi_id, *req);  // false: a reset came first and gave it back already
    sending_ = nullptr;
  }
}

bool ScsiInitiator::retire(int id, IoRequest& req) {
  auto& a = active_[id];
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i] == &req) {
      a.erase(a.begin() + long(i));
      --outstanding_[id];
      --port_outstanding_;
      outstanding_lvl_[id].add(-1);
      return true;
    }
  return false;
}

void ScsiInitiator::give_back(std::vector<IoRequest*>& cmds, int status) {
  for (IoRequest* r : cmds) {
    retire(r->target, *r);
    r->status = status;
  }
  if (!cmds.empty()) work_ev_.notify(sc_core::SC_ZERO_TIME);
  for (IoRequest* r : cmds) r->on_done(*r);  // last: the callbacks may reuse the requests
}

bool ScsiInitiator::abort_task(IoRequest& cmd) {
  const int id = cmd.target;
  if (id < 0 || id >= ScsiBus::kMaxIds) return true;
  // Still waiting in the port: never sent, taken back without the bus.
  for (auto it = queue_[id].begin(); it != queue_[id].end(); ++it)
    if (it->req == &cmd) {
      queue_[id].erase(it);
      queued_lvl_[id].add(-1);
      cmd.status = scsi::host_status(scsi::kDidAbort);
      cmd.on_done(cmd);
      return true;
    }
  if (std::find(active_[id].begin(), active_[id].end(), &cmd) == active_[id].end()) return true;  // already done
  if (&cmd == sending_) return false;  // on its way to the target: nothing to abort there yet
  if (!bus->task_mgmt(p_.scsi_id, id, ScsiBusIf::Tmf::AbortTask, &cmd)) return false;
  std::vector<IoRequest*> one;
  if (std::find(active_[id].begin(), active_[id].end(), &cmd) != active_[id].end()) one.push_back(&cmd);
  give_back(one, scsi::host_status(scsi::kDidAbort));
  return true;
}

bool ScsiInitiator::reset_target(int id) {
  if (!bus->target(id)) return false;
  if (!bus->task_mgmt(p_.scsi_id, id, ScsiBusIf::Tmf::TargetReset, nullptr)) return false;
  std::vector<IoRequest*> all = active_[id];
  give_back(all, scsi::host_status(scsi::kDidReset));
  return true;
}

void ScsiInitiator::reset_bus() {
  bus->reset(p_.scsi_id);
  std::vector<IoRequest*> all;
  for (auto& a : active_) all.insert(all.end(), a.begin(), a.end());
  give_back(all, scsi::host_status(scsi::kDidReset));
}

void ScsiInitiator::drop_queued(int id, int status) {
  if (id < 0 || id >= ScsiBus::kMaxIds || queue_[id].empty()) return;
  std::vector<IoRequest*> cmds;
  for (const Entry& e : queue_[id]) cmds.push_back(e.req);
  queued_lvl_[id].add(-double(cmds.size()));
  queue_[id].clear();
  for (IoRequest* r : cmds) r->status = status;
  for (IoRequest* r : cmds) r->on_done(*r);  // last: the callbacks may reuse the requests
}

void ScsiInitiator::command_complete(IoRequest& req) {
  const int id = req.target;
  if (id < 0 || id >= ScsiBus::kMaxIds || !retire(id, req))
    throw std::logic_error(std::string(name()) + ": completion for a command not outstanding");
  ++completed_;
  work_ev_.notify(sc_core::SC_ZERO_TIME);
  // Last: the caller's callback may reuse or free the request.
  req.on_done(req);
}

void ScsiInitiator::reset_stats() {
  for (auto& l : queued_lvl_) l.reset();
  for (auto& l : outstanding_lvl_) l.reset();
  issued_ = completed_ = 0;
}

void ScsiInitiator::report(Stats& out, double window_s) const {
  (void)window_s;
  const std::string n = name();
  StatGroup g = out.group(n, "scsi_initiator");
  g.add("issued", double(issued_), "count", StatKind::Counter, "commands sent to targets");
  g.add("completed", double(completed_), "count", StatKind::Counter, "commands completed");
  for (int id = 0; id < ScsiBus::kMaxIds; ++id) {
    if (!views_[id] && !addressed_[id]) continue;  // targets this port was wired to or sent to
    const std::string t = n + ".t" + std::to_string(id);
    StatGroup g = out.group(t, "scsi_port_target");
    g.add("queued", queued_lvl_[id].mean(), "count", StatKind::Level, "commands waiting in the port (time-weighted mean)");
    g.add("queued.max", queued_lvl_[id].max(), "count", StatKind::Level, "most commands waiting in the port at once");
    g.add("outstanding", outstanding_lvl_[id].mean(), "count", StatKind::Level, "commands at the target (time-weighted mean)");
    g.add("outstanding.max", outstanding_lvl_[id].max(), "count", StatKind::Level, "most commands at the target at once");
  }
}

} // namespace iosim
